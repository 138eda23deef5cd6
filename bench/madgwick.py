"""The yardstick: a plain Madgwick IMU update (gradient descent, no magnetometer), as in
Madgwick's 2010 report and his reference C (MadgwickAHRSupdateIMU), written the way a careful
MicroPython user would: locals, no generators, one call per sample. Runs on MicroPython and
CPython."""
import math


class Madgwick:
    def __init__(self, rate_hz, beta=0.1):
        self.dt = 1.0 / rate_hz
        self.beta = beta
        self.q0, self.q1, self.q2, self.q3 = 1.0, 0.0, 0.0, 0.0

    def update(self, ax, ay, az, gx, gy, gz):
        """Accelerometer in any unit, gyro in rad/s."""
        q0, q1, q2, q3 = self.q0, self.q1, self.q2, self.q3
        qd0 = 0.5 * (-q1 * gx - q2 * gy - q3 * gz)
        qd1 = 0.5 * (q0 * gx + q2 * gz - q3 * gy)
        qd2 = 0.5 * (q0 * gy - q1 * gz + q3 * gx)
        qd3 = 0.5 * (q0 * gz + q1 * gy - q2 * gx)
        norm = math.sqrt(ax * ax + ay * ay + az * az)
        if norm > 0.0:
            ax /= norm
            ay /= norm
            az /= norm
            _2q0, _2q1, _2q2, _2q3 = 2.0 * q0, 2.0 * q1, 2.0 * q2, 2.0 * q3
            _4q0, _4q1, _4q2 = 4.0 * q0, 4.0 * q1, 4.0 * q2
            _8q1, _8q2 = 8.0 * q1, 8.0 * q2
            q0q0, q1q1, q2q2, q3q3 = q0 * q0, q1 * q1, q2 * q2, q3 * q3
            s0 = _4q0 * q2q2 + _2q2 * ax + _4q0 * q1q1 - _2q1 * ay
            s1 = (_4q1 * q3q3 - _2q3 * ax + 4.0 * q0q0 * q1 - _2q0 * ay - _4q1 + _8q1 * q1q1
                  + _8q1 * q2q2 + _4q1 * az)
            s2 = (4.0 * q0q0 * q2 + _2q0 * ax + _4q2 * q3q3 - _2q3 * ay - _4q2 + _8q2 * q1q1
                  + _8q2 * q2q2 + _4q2 * az)
            s3 = 4.0 * q1q1 * q3 - _2q1 * ax + 4.0 * q2q2 * q3 - _2q2 * ay
            norm = math.sqrt(s0 * s0 + s1 * s1 + s2 * s2 + s3 * s3)
            if norm > 0.0:
                b = self.beta / norm
                qd0 -= b * s0
                qd1 -= b * s1
                qd2 -= b * s2
                qd3 -= b * s3
        dt = self.dt
        q0 += qd0 * dt
        q1 += qd1 * dt
        q2 += qd2 * dt
        q3 += qd3 * dt
        norm = 1.0 / math.sqrt(q0 * q0 + q1 * q1 + q2 * q2 + q3 * q3)
        self.q0, self.q1, self.q2, self.q3 = q0 * norm, q1 * norm, q2 * norm, q3 * norm
