"""Gravity in sensor axes from one IMU, carried by the gyro and pulled toward the accelerometer,
a block of samples at a time.

The vector (specific force at rest, sensor axes, accelerometer counts) is turned by the gyro and
pulled toward the mean specific force of each block with a time constant: a low-pass of
specific force taken in the world frame (docs/orientation.md says why that is the trunk's tilt
while running). Per sample the owner only sums raw counts, which on MicroPython are small ints
and never touch the heap; the float work here runs once per block (125 ms, the owner's
choice), where a filter updated per sample makes a dozen heap floats per sample on an ESP32.
The owner's sums correct the block's rotation and mean force for second-order terms (coning,
sculling: pipeline._CONE_SHIFT) before they come here. Within a block the gyro's
turn is applied half before the pull and half after it: the block's pull stands for pulls
spread over the block, i.e. made at its middle on average, and the later half of the turn
carries them on as it would have. (Applied all before or all after, a trunk that rocks in step
with the ground force would bias the tilt by the correlation of the two.)

Subclass it (the pipeline does; a second IMU's estimator can): the state is the instance's own
attributes, so the subclass's code reads them with no hop through another object. Interface:

    Tilt.__init__(self, rad_per_unit)   radians per unit of the rate sums given to _tilt_block
    self._grav_x, _grav_y, _grav_z      the estimate (floats, accelerometer counts); set it, then
                                        call _tilt_up(), to start or reset it
    self._pull                          share of the gap pulled per sample (dt / tau; 0 holds)
    self._up_x, _up_y, _up_z            the estimate's direction x UP_UNIT as ints, for integer
                                        dot products with raw counts (the vertical force)
    self._grav2                         |estimate|^2 in whole counts (int), at the last
                                        _tilt_up (a block's end)
    self._tilt_block(n, fx, fy, fz, rx, ry, rz)
                                        one block: n samples, force summed (counts), rate summed
                                        with the gyro bias removed (any unit: rad_per_unit)
    self._seg_grav_*, _seg_pull_*, _seg_turn_*   sums over the blocks since _tilt_clear():
                                        the estimate per sample, the pulls, and each block's
                                        turn (rad) x the pull so far at its middle (how the body
                                        turned the earlier pulls: pull less that is the pull as
                                        seen at the end)
"""
import math

from .compat import const

# Length of the integer direction: a count (|x| <= 32768) times it stays under 2**27, so the
# dot product of a raw sample with it is a small int on a 32-bit port.
UP_UNIT = const(4096)


class Tilt:
    def __init__(self, rad_per_unit):
        self._half_rad = 0.5 * rad_per_unit
        self._grav_x = self._grav_y = 0.0
        self._grav_z = 1.0
        self._pull = 0.0
        self._up_x = self._up_y = 0
        self._up_z = UP_UNIT
        self._grav2 = 0
        self._tilt_clear()

    def _tilt_clear(self):
        self._seg_grav_x = self._seg_grav_y = self._seg_grav_z = 0.0
        self._seg_pull_x = self._seg_pull_y = self._seg_pull_z = 0.0
        self._seg_turn_x = self._seg_turn_y = self._seg_turn_z = 0.0
        self._seg_blocks = 0  # blocks summed since: the first one's sums are set, not added

    def _tilt_up(self):
        """Refresh the integer direction from the estimate, in ints once the estimate is
        truncated to whole counts (< 1/4096 of 1 g: 0.014 deg): one float per call, the root
        (+1: never a division by 0). Keeps |grav|^2 (counts^2, int) for the owner's checks."""
        gx, gy, gz = int(self._grav_x), int(self._grav_y), int(self._grav_z)
        n2 = gx * gx + gy * gy + gz * gz
        self._grav2 = n2
        n2 = int(math.sqrt(n2)) + 1
        self._up_x = gx * UP_UNIT // n2
        self._up_y = gy * UP_UNIT // n2
        self._up_z = gz * UP_UNIT // n2

    def _tilt_block(self, n, fx, fy, fz, rx, ry, rz):
        k = self._half_rad
        hx = rx * k  # half the block's turn, rad
        hy = ry * k
        hz = rz * k
        gx, gy, gz = self._grav_x, self._grav_y, self._grav_z
        # a world-fixed vector seen from a body turning by h moves by grav x h
        cx = gy * hz - gz * hy
        cy = gz * hx - gx * hz
        gz += gx * hy - gy * hx
        gx += cx
        gy += cy
        k = self._pull
        px = k * (fx - n * gx)
        py = k * (fy - n * gy)
        pz = k * (fz - n * gz)
        gx += px
        gy += py
        gz += pz
        # each sample's estimate taken as the middle's; the whole turn (2h) x the pull so far
        # at the middle: the sums before and after this block's pull added (2 S + p)
        if self._seg_blocks:
            self._seg_grav_x += n * gx
            self._seg_grav_y += n * gy
            self._seg_grav_z += n * gz
            cx = self._seg_pull_x
            cy = self._seg_pull_y
            k = self._seg_pull_z
            self._seg_pull_x += px
            self._seg_pull_y += py
            self._seg_pull_z += pz
            cx += self._seg_pull_x
            cy += self._seg_pull_y
            k += self._seg_pull_z
            self._seg_turn_x += hy * k - hz * cy
            self._seg_turn_y += hz * cx - hx * k
            self._seg_turn_z += hx * cy - hy * cx
        else:  # the segment's first block (most are its only one): the sums before are 0
            self._seg_grav_x = n * gx
            self._seg_grav_y = n * gy
            self._seg_grav_z = n * gz
            self._seg_pull_x = px
            self._seg_pull_y = py
            self._seg_pull_z = pz
            self._seg_turn_x = hy * pz - hz * py
            self._seg_turn_y = hz * px - hx * pz
            self._seg_turn_z = hx * py - hy * px
        self._seg_blocks += 1
        cx = gy * hz - gz * hy
        cy = gz * hx - gx * hz
        self._grav_z = gz + gx * hy - gy * hx
        self._grav_x = gx + cx
        self._grav_y = gy + cy
        self._tilt_up()
