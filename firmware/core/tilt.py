"""Gravity in sensor axes from one IMU, carried by the gyro and pulled toward the accelerometer,
a block of samples at a time.

The vector (specific force at rest, sensor axes, accelerometer counts) is turned by the gyro and
pulled toward the mean specific force of each block with a time constant: a low-pass of
specific force taken in the world frame (docs/orientation.md says why that is the trunk's tilt
while running). Per sample the owner only sums raw counts, which on MicroPython are small ints
and never touch the heap; the work here runs once per block (at most 8 samples, the owner's
choice), where a filter updated per sample makes a dozen heap floats per sample on an ESP32.
The owner also sums the block's second-order terms (coning, sculling: pipeline._CONE_SHIFT);
_tilt_block adds them to the block's rotation and mean force. Within a block the gyro's
turn is applied half before the pull and half after it: the block's pull stands for pulls
spread over the block, i.e. made at its middle on average, and the later half of the turn
carries them on as it would have. (Applied all before or all after, a trunk that rocks in step
with the ground force would bias the tilt by the correlation of the two.)

The block runs in fixed point, small ints only (issue 13: in floats it made ~58 heap floats a
block, half the pipeline's garbage): the estimate in 1/4096 counts, the half turn in 2**-20 rad,
products taken in two halves so that none reaches 2**30 for any 16-bit IMU reading gravity
(docs/orientation.md, "Fixed-point block"). The owner's step-level code keeps its floats:
_tilt_floats() gives it the estimate and the segment's sums as floats, and an estimate it sets
(floats) is taken back at the next block.

Subclass it (the pipeline does; a second IMU's estimator can): the state is the instance's own
attributes, so the subclass's code reads them with no hop through another object. Interface:

    Tilt.__init__(self, rad_per_unit, scull_k, cone_k)
                                        radians per unit of the rate sums given to _tilt_block
                                        (at most 2**-21: see scale); force counts per unit of
                                        the sculling sums (< 1), rate units per unit of the
                                        coning sums
    self._grav_x, _grav_y, _grav_z      the estimate (floats, accelerometer counts), as of the
                                        last _tilt_floats(); set it, then call _tilt_up(), to
                                        start or reset it (or set it between blocks)
    self._pull                          share of the gap pulled per sample (dt / tau, <= 1; 0
                                        holds); taken at the next block
    self._up_x, _up_y, _up_z            the estimate's direction x UP_UNIT as ints, for integer
                                        dot products with raw counts (the vertical force)
    self._grav2                         |estimate|^2 in whole counts (int), at the last
                                        _tilt_up (a block's end)
    self._gq_x, _gq_y, _gq_z            the estimate in 1/4096 counts (ints): always current
    self._tilt_block(n, fx, fy, fz, rx, ry, rz, mx, my, mz, cx, cy, cz)
                                        one block: n samples, force summed (counts), rate summed
                                        with the gyro bias removed (any unit: rad_per_unit), the
                                        second-order sums (sculling m, coning c: the owner's)
    self._tilt_floats()                 the estimate and the segment's sums as floats, below
    self._seg_grav_*, _seg_pull_*       sums over the blocks since _tilt_clear(), floats as of
                                        the last _tilt_floats(): the estimate per sample and the
                                        pulls (counts); call it before reading them (after a
                                        _tilt_clear() they are the last segment's until then)
    self._axis_x, _axis_y, _axis_z      a turn axis (ints, UP_UNIT long): while self._yaw_free
                                        the blocks' turn along it is left out (the owner's:
                                        a corner's vertical as the gyro measures it)
    self._seg_turn_*                    each block's turn x the pull so far at its middle (how
                                        the body turned the earlier pulls: pull less that is the
                                        pull as seen at the end), ints in TURN_RAD_COUNTS
"""
import math

from .compat import const

# Length of the integer direction: a count (|x| <= 32768) times it stays under 2**27, so the
# dot product of a raw sample with it is a small int on a 32-bit port.
UP_UNIT = const(4096)
# The estimate in fixed point: counts x 2**_G_BITS (|g| < 2**17 counts stays a small int; a
# 16-bit IMU's means stay under 56756). The rotation's products take it in 1/8 counts.
_G_BITS = const(12)
G_COUNTS = 1.0 / (1 << _G_BITS)
# A block's half turn in 2**-20 rad (a small int up to 1024 rad; the rotation's products split
# it at 2**11, so none passes 2**30 up to 1 rad of half turn and a gravity of 2**14 counts)
_H_BITS = const(20)
# the segment's estimate sum in 1/256 counts (25 samples of 56756 counts stay small ints)
_SUM_SHIFT = const(4)
_SUM_COUNTS = 1.0 / (1 << _G_BITS - _SUM_SHIFT)
# _seg_turn_*'s unit, rad x counts: the half turn (2**-14 rad) x the pulls (1/64 counts)
TURN_RAD_COUNTS = 1.0 / (1 << 20)


def scale(x):
    """x in [0, 1] as (m, s): x ~ m / 2**(14 + s), m <= 2**14 and s >= 0 (m 0 for x 0), so
    that a product a x x is ((a >> 14) x m + ((a & 16383) x m >> 14)) >> s in small ints for
    |a| < 2**29, to 1 part in 2**13."""
    if x <= 0.0:
        return 0, 0
    if x >= 1.0:
        return 16384, 0
    m, e = math.frexp(x)  # x = m 2**e, 0.5 <= m < 1, e <= 0 for x <= 1
    return int(m * 16384.0 + 0.5), -e


class Tilt:
    def __init__(self, rad_per_unit, scull_k, cone_k):
        # the half turn in 2**-20 rad from the rate sums: 0.5 x rad_per_unit x 2**20
        self._h_m, self._h_s = scale(0.5 * rad_per_unit * (1 << _H_BITS))
        # the second-order sums to force counts (< 1) and to rate sum units (a whole factor
        # and a fraction)
        self._scull_m, self._scull_s = scale(scull_k)
        self._cone_int = int(cone_k)
        self._cone_m, self._cone_s = scale(cone_k - self._cone_int)
        self._h_rx = self._h_ry = self._h_rz = 0  # the half turns' roundings carried
        # a turn axis (ints, UP_UNIT long; the owner's): while _yaw_free, the blocks' turn
        # along it is left out (see _tilt_block)
        self._axis_x = self._axis_y = self._axis_z = 0
        self._yaw_free = False
        self._grav_x = self._grav_y = 0.0
        self._grav_z = 1.0
        self._gq_x = self._gq_y = self._gq_z = 0
        self._seen_x = self._seen_y = self._seen_z = None  # the floats last given or taken
        self._pull = 0.0
        self._pull_seen = None
        self._up_x = self._up_y = 0
        self._up_z = UP_UNIT
        self._grav2 = 0
        self._tilt_clear()
        # (_tilt_clear leaves these be: read only after a _tilt_floats(), which sets them)
        self._seg_grav_x = self._seg_grav_y = self._seg_grav_z = 0.0
        self._seg_pull_x = self._seg_pull_y = self._seg_pull_z = 0.0
        self._tilt_up()

    def _tilt_clear(self):
        self._sq_grav_x = self._sq_grav_y = self._sq_grav_z = 0  # 1/256 counts
        self._sq_pull_x = self._sq_pull_y = self._sq_pull_z = 0  # 1/4096 counts
        self._seg_turn_x = self._seg_turn_y = self._seg_turn_z = 0

    def _tilt_take(self):
        """The owner set the estimate (floats) since they were last given or taken: take it
        (float compares make no garbage; the conversion only when they changed). The blocks
        and _tilt_floats, once per block or segment, make the same check before calling it: a
        method call costs more than the compares (docs/bench.md, "Per-sample cost")."""
        if (self._grav_x != self._seen_x or self._grav_y != self._seen_y
                or self._grav_z != self._seen_z):
            self._gq_x = round(self._grav_x * (1 << _G_BITS))
            self._gq_y = round(self._grav_y * (1 << _G_BITS))
            self._gq_z = round(self._grav_z * (1 << _G_BITS))
            self._seen_x, self._seen_y, self._seen_z = self._grav_x, self._grav_y, self._grav_z

    def _tilt_move(self, dx, dy, dz):
        """Move the estimate by (dx, dy, dz) counts (floats), in the ints and in the floats
        (as of the last _tilt_floats()) alike: a correction made at a segment end is not
        rounded to float32 with the whole estimate and back (on an ESP32 that made the
        estimate walk away from CPython's by ~1e-4 deg a minute)."""
        self._tilt_take()
        self._gq_x += round(dx * (1 << _G_BITS))
        self._gq_y += round(dy * (1 << _G_BITS))
        self._gq_z += round(dz * (1 << _G_BITS))
        self._grav_x = self._seen_x = self._grav_x + dx
        self._grav_y = self._seen_y = self._grav_y + dy
        self._grav_z = self._seen_z = self._grav_z + dz

    def _tilt_floats(self):
        """The estimate and the segment's grav and pull sums as floats (counts), for the
        owner's step-level code (9 floats: call it where they are read, not per block)."""
        if (self._grav_x != self._seen_x or self._grav_y != self._seen_y
                or self._grav_z != self._seen_z):
            self._tilt_take()
        k = G_COUNTS
        self._grav_x = self._seen_x = self._gq_x * k
        self._grav_y = self._seen_y = self._gq_y * k
        self._grav_z = self._seen_z = self._gq_z * k
        self._seg_pull_x = self._sq_pull_x * k
        self._seg_pull_y = self._sq_pull_y * k
        self._seg_pull_z = self._sq_pull_z * k
        k = _SUM_COUNTS
        self._seg_grav_x = self._sq_grav_x * k
        self._seg_grav_y = self._sq_grav_y * k
        self._seg_grav_z = self._sq_grav_z * k

    def _tilt_up(self):
        """Refresh the integer direction from the estimate, in ints once the estimate is
        truncated to whole counts (< 1/4096 of 1 g: 0.014 deg): one float per call, the root
        (+1: never a division by 0). Keeps |grav|^2 (counts^2, int) for the owner's checks."""
        self._tilt_take()
        self._tilt_dir()

    def _tilt_dir(self):
        """_tilt_up's refresh from the ints alone (a block's end: nothing to take)."""
        # (truncated toward 0, as int() of the float estimate was: the step detector's
        # direction is that of the code it was tuned with)
        gx = self._gq_x
        gx = gx >> _G_BITS if gx >= 0 else -(-gx >> _G_BITS)
        gy = self._gq_y
        gy = gy >> _G_BITS if gy >= 0 else -(-gy >> _G_BITS)
        gz = self._gq_z
        gz = gz >> _G_BITS if gz >= 0 else -(-gz >> _G_BITS)
        n2 = gx * gx + gy * gy + gz * gz
        self._grav2 = n2
        n2 = int(math.sqrt(n2)) + 1
        self._up_x = gx * UP_UNIT // n2
        self._up_y = gy * UP_UNIT // n2
        self._up_z = gz * UP_UNIT // n2

    def _tilt_block(self, n, fx, fy, fz, rx, ry, rz, mx, my, mz, cx, cy, cz):
        if (self._grav_x != self._seen_x or self._grav_y != self._seen_y
                or self._grav_z != self._seen_z):
            self._tilt_take()
        # the owner's second-order sums (sculling m, coning c) added to force and rate, in
        # their units (rounded: see scale)
        m = self._scull_m
        s = self._scull_s
        k = (1 << s) >> 1
        fx += ((mx >> 14) * m + ((mx & 16383) * m >> 14) + k) >> s
        fy += ((my >> 14) * m + ((my & 16383) * m >> 14) + k) >> s
        fz += ((mz >> 14) * m + ((mz & 16383) * m >> 14) + k) >> s
        m = self._cone_m
        s = self._cone_s
        k = (1 << s) >> 1
        mx = self._cone_int
        rx += cx * mx + (((cx >> 14) * m + ((cx & 16383) * m >> 14) + k) >> s)
        ry += cy * mx + (((cy >> 14) * m + ((cy & 16383) * m >> 14) + k) >> s)
        rz += cz * mx + (((cz >> 14) * m + ((cz & 16383) * m >> 14) + k) >> s)
        if self._pull != self._pull_seen:  # (set at segment ends: a step's gain)
            self._pull_seen = self._pull
            self._k_m, self._k_s = scale(self._pull)
        # half the block's turn, 2**-20 rad (see scale), each axis's rounding carried into the
        # next block, so that the turns add up exactly: rounded alone, the error of each (up to
        # 2**-21 rad, ~0.002 counts of gravity) would add up as a random walk while the pull
        # is off (0.5 counts over a 4 s set-off at 200 Hz)
        m = self._h_m
        s = self._h_s
        k = (1 << s) >> 1
        rx = (rx >> 14) * m + ((rx & 16383) * m >> 14) + self._h_rx
        ry = (ry >> 14) * m + ((ry & 16383) * m >> 14) + self._h_ry
        rz = (rz >> 14) * m + ((rz & 16383) * m >> 14) + self._h_rz
        hx = (rx + k) >> s
        hy = (ry + k) >> s
        hz = (rz + k) >> s
        self._h_rx = rx - (hx << s)
        self._h_ry = ry - (hy << s)
        self._h_rz = rz - (hz << s)
        if self._yaw_free:
            # A turn about the true vertical does not move it in the sensor frame; turned by
            # it, the estimate's offset part (the accelerometer's, fixed in the board) swings
            # round and the gyro's scale and axis errors tilt it. So in a corner the block's
            # turn along the corner's axis as the gyro measures it (the owner's) is left out:
            # h - (h . a) a, in 2**-20 rad (a: 2**12 = UP_UNIT), products in two parts (< 2**30)
            ax = self._axis_x
            ay = self._axis_y
            az = self._axis_z
            d = ((hx >> 12) * ax + (((hx & 4095) * ax + 2048) >> 12)
                 + (hy >> 12) * ay + (((hy & 4095) * ay + 2048) >> 12)
                 + (hz >> 12) * az + (((hz & 4095) * az + 2048) >> 12))
            k = d >> 12
            d &= 4095
            hx -= k * ax + ((d * ax + 2048) >> 12)
            hy -= k * ay + ((d * ay + 2048) >> 12)
            hz -= k * az + ((d * az + 2048) >> 12)
        # The estimate turned by the half turn, pulled, and turned by it again. A turn: a
        # world-fixed vector seen from a body turning by h moves by grav x h; grav in 1/8
        # counts (rounded) x h in two parts, 2**-9 rad (a) and the rest (l, 2**-20 rad): 1/4096
        # counts, and 2**-23 counts rad rounded to 1/4096 (never rounded by a shift of 2 or 3
        # bits, whose ties would bias the sum). To second order, g + g x h + (g x h) x h / 2:
        # a turn must not stretch the estimate, and the first order alone lengthens it by
        # |h|^2 / 2 a half turn (a waist clip turning at 230 deg/s rms, SisFall SE03: the pull
        # then held it at 1.4-2.4 g, up to the tilt-fault limit); its g x h (r) in 1/64 counts
        # x h the same way, halved: a shift of 4. In one loop, locals only: a method called
        # per half turn cost more than its arithmetic (docs/bench.md, "Per-sample cost").
        ax = hx >> 11
        ay = hy >> 11
        az = hz >> 11
        lx = hx & 2047
        ly = hy & 2047
        lz = hz & 2047
        gx = self._gq_x
        gy = self._gq_y
        gz = self._gq_z
        for half in range(2):
            qx = (gx + 256) >> 9
            qy = (gy + 256) >> 9
            qz = (gz + 256) >> 9
            rx = qy * az - qz * ay + ((qy * lz - qz * ly + 1024) >> 11)
            ry = qz * ax - qx * az + ((qz * lx - qx * lz + 1024) >> 11)
            rz = qx * ay - qy * ax + ((qx * ly - qy * lx + 1024) >> 11)
            qx = (rx + 32) >> 6
            qy = (ry + 32) >> 6
            qz = (rz + 32) >> 6
            gx += rx + ((qy * az - qz * ay + ((qy * lz - qz * ly + 1024) >> 11) + 8) >> 4)
            gy += ry + ((qz * ax - qx * az + ((qz * lx - qx * lz + 1024) >> 11) + 8) >> 4)
            gz += rz + ((qx * ay - qy * ax + ((qx * ly - qy * lx + 1024) >> 11) + 8) >> 4)
            if half:
                break
            # the pull: k x (force sum - n grav), 1/4096 counts (see scale)
            m = self._k_m
            s = self._k_s
            k = (fx << _G_BITS) - n * gx
            rx = (1 << s) >> 1
            px = ((k >> 14) * m + ((k & 16383) * m >> 14) + rx) >> s
            k = (fy << _G_BITS) - n * gy
            py = ((k >> 14) * m + ((k & 16383) * m >> 14) + rx) >> s
            k = (fz << _G_BITS) - n * gz
            pz = ((k >> 14) * m + ((k & 16383) * m >> 14) + rx) >> s
            gx += px
            gy += py
            gz += pz
            # each sample's estimate taken as the middle's
            self._sq_grav_x += n * ((gx + 8) >> _SUM_SHIFT)
            self._sq_grav_y += n * ((gy + 8) >> _SUM_SHIFT)
            self._sq_grav_z += n * ((gz + 8) >> _SUM_SHIFT)
        self._gq_x = gx
        self._gq_y = gy
        self._gq_z = gz
        # the whole turn (2h) x the pull so far at the middle: h x (the sums before and after
        # this block's pull added, 2 S + p), in 2**-14 rad x 1/64 counts
        fx = self._sq_pull_x
        fy = self._sq_pull_y
        fz = self._sq_pull_z
        gx = (fx + fx + px + 32) >> 6
        gy = (fy + fy + py + 32) >> 6
        gz = (fz + fz + pz + 32) >> 6
        self._sq_pull_x = fx + px
        self._sq_pull_y = fy + py
        self._sq_pull_z = fz + pz
        hx = (hx + 32) >> 6
        hy = (hy + 32) >> 6
        hz = (hz + 32) >> 6
        self._seg_turn_x += hy * gz - hz * gy
        self._seg_turn_y += hz * gx - hx * gz
        self._seg_turn_z += hx * gy - hy * gx
        self._tilt_dir()
