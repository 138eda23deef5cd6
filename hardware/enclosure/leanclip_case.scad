// LeanClip case and clip, parametric. One file, two knobs:
//   build = "xiao"  : closed box for build (b) - XIAO ESP32-S3/C3, IMU breakout, 10 mm coin
//                     motor, 400 mAh LiPo (502535), side button
//   build = "plus2" : sleeve for build (a) - holds an M5StickC Plus2 with the screen and
//                     button A exposed, plus a pocket for the Grove vibration motor unit
//   build = "pod"   : the optional pelvis pod (issue 17) - a second IMU breakout on a 4-wire
//                     cable to the chest clip, worn with mount = "waist"; the cable leaves
//                     through a strain-relief sleeve and is tied to a bridge inside
//   pod_port = true : the xiao box gets a slot for the pod cable's JST-GH 4-pin socket
//   mount = "chest" : two slots for a heart-rate chest strap (sternum)
//   mount = "waist" : a spring tongue that clips over a waistband
// Render: openscad -D 'build="xiao"' -D 'mount="chest"' -o case.stl leanclip_case.scad
// Print in PETG or TPU-95A (sweat, flex of the tongue), 0.2 mm layers, tongue flat on the bed.
// The IMU must sit rigidly in the case (glue or screw the breakout): a loose board measures its
// own rattle, not the trunk. Which way up it sits does not matter (the firmware finds "up" and
// "forward" itself), but the case must not rock on the strap: keep strap_w snug.

build = "xiao";
mount = "chest";
pod_port = true;

wall = 1.8;          // side walls, mm
floor_t = 1.6;       // floor and lid
fit = 0.4;           // clearance around the electronics

strap_w = 32;        // chest strap width (most HR straps are 25-35 mm); slot = strap_w + 2
strap_t = 3;         // strap thickness the slots must pass
waist_t = 4;         // waistband fabric + elastic thickness the tongue grips

// What goes inside, mm (x = length, y = width, z = height). Measure yours and change these.
plus2 = [54, 25, 16];        // M5StickC Plus2
lipo = [35, 25, 5];          // 502535 cell, 400 mAh, protection PCB included
xiao = [21, 17.8, 4.5];      // XIAO ESP32-S3/C3 incl. components and the USB-C lip
imu = [25, 22, 3];           // a typical ICM-42688-P / GY-521 breakout without headers
motor_h = 3;                 // 10 mm coin motor, glued to the lid
wire_h = 3;                  // room for the wires above the boards
cable_d = 3.2;               // the pod cable: 4 x 28 AWG silicone, measure yours
gh_socket = [8, 5];          // JST-GH 4-pin side-entry socket opening (SM04B-GHS-TB), w x h
relief_l = 12;               // strain-relief sleeve: the bend happens here, not at the joints

// Build (b): the LiPo on the floor, the XIAO and the IMU side by side on top of it.
// The pod: the IMU breakout flat on the floor, room for the cable's turn and its tie.
function cavity(b) =
    (b == "plus2" ? plus2
     : b == "pod" ? [imu.x + 8, imu.y, imu.z + wire_h + 2]
                  : [max(lipo.x, xiao.x + 1 + imu.x), max(lipo.y, xiao.y, imu.y),
                     lipo.z + 1 + max(xiao.z, imu.z) + wire_h + motor_h])
    + [fit, fit, fit] * 2;

c = cavity(build);
outer = c + [2 * wall, 2 * wall, floor_t];

module shell() {
    difference() {
        cube(outer);
        translate([wall, wall, floor_t]) cube([c.x, c.y, c.z + 1]);
        if (build == "xiao") {
            // USB-C on the short end (charging and flashing), 10 x 4.5 mm
            translate([-1, outer.y / 2 - 5, floor_t + 2]) cube([wall + 2, 10, 4.5]);
            // side button, 4 mm plunger hole
            translate([outer.x * 0.65, -1, floor_t + c.z / 2]) rotate([-90, 0, 0])
                cylinder(d = 4, h = wall + 2, $fn = 32);
            // pod cable socket on the far end, high up, away from the USB-C opening
            if (pod_port)
                translate([outer.x - wall - 1, outer.y / 2 - gh_socket.x / 2,
                           outer.z - gh_socket.y - 2])
                    cube([wall + 2, gh_socket.x, gh_socket.y]);
        } else if (build == "pod") {
            // cable exit through the strain-relief sleeve
            translate([outer.x - wall - 1, outer.y / 2, floor_t + c.z / 2]) rotate([0, 90, 0])
                cylinder(d = cable_d + 0.6, h = wall + relief_l + 2, $fn = 24);
        } else {
            // USB-C end: a window; Grove end: fully open, the stick slides in from here
            translate([-1, wall + 4, floor_t + 3]) cube([wall + 2, c.y - 8, c.z]);
            translate([outer.x - wall - 1, wall, floor_t]) cube([wall + 2, c.y, c.z + 1]);
        }
    }
    if (build == "plus2")  // lips along the long sides hold the stick, screen and button A show
        for (y = [0, outer.y - wall - 2])
            translate([0, y, outer.z]) cube([outer.x, wall + 2, 1.2]);
    if (build == "pod") {
        // strain-relief sleeve outside the exit (fill with silicone or heat-shrink over it)
        translate([outer.x, outer.y / 2, floor_t + c.z / 2]) rotate([0, 90, 0])
            difference() {
                cylinder(d1 = cable_d + 4, d2 = cable_d + 2.4, h = relief_l, $fn = 24);
                translate([0, 0, -1]) cylinder(d = cable_d + 0.6, h = relief_l + 2, $fn = 24);
            }
        // cable-tie bridge inside: the tie takes a pull, the solder joints never do
        translate([outer.x - wall - 8, outer.y / 2 - 4, floor_t]) difference() {
            cube([6, 8, 3.5]);
            translate([1.5, -1, -1]) cube([3, 10, 3]);  // the tie's tunnel, across the cable
        }
    }
    if (build == "plus2")  // pocket for the Grove vibration unit (20 x 20 mm), on the back
        translate([outer.x / 2 - 12, outer.y, 0]) difference() {
            cube([24, 8, 24]);
            translate([wall / 2, -1, floor_t]) cube([21, 7, 24]);
        }
}

module lid() {  // build (b) and the pod: press-fit lid (build b: the coin motor glued inside)
    translate([0, outer.y + 5, 0]) {
        cube([outer.x, outer.y, floor_t]);
        translate([wall + fit / 2, wall + fit / 2, floor_t])
            difference() {
                cube([c.x - fit, c.y - fit, 2]);
                translate([1.2, 1.2, -1]) cube([c.x - fit - 2.4, c.y - fit - 2.4, 4]);
            }
    }
}

module chest_slots() {  // two bridges on the floor the strap threads through
    for (x = [0, outer.x - 6])
        translate([x, (outer.y - (strap_w + 2)) / 2 - wall, -strap_t - 1.6])
            difference() {
                cube([6, strap_w + 2 + 2 * wall, strap_t + 1.6]);
                translate([-1, wall, 1.6]) cube([8, strap_w + 2, strap_t + 1]);
            }
}

module waist_tongue() {  // a tongue along the floor, open at one end, gap = waist_t
    tongue_l = outer.x * 0.85;
    translate([0, outer.y * 0.2, -waist_t - 2]) {
        cube([tongue_l, outer.y * 0.6, 2]);                       // the tongue
        translate([0, 0, 2]) cube([4, outer.y * 0.6, waist_t]);   // hinge block
        translate([tongue_l - 3, 0, 2]) cube([3, outer.y * 0.6, 0.8]);  // catch lip
    }
}

shell();
if (build == "xiao" || build == "pod") lid();
if (mount == "chest") chest_slots(); else waist_tongue();
