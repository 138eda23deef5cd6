"""Rigid-body motion of the trunk on the internal grid: attitude, body angular velocity and the
specific force at the sensor, all from one attitude history so gyro and accelerometer agree.

World: x = initial heading, y = left, z = up. R_wb = Rz(psi) Ry(theta) Rx(phi): theta + tilts
the trunk forward, phi + tilts it to the wearer's right, psi + turns left.
"""
import numpy as np

from . import gait
from .script import G_MPS2


def euler_zyx(psi, theta, phi):
    """R_wb = Rz(psi) Ry(theta) Rx(phi) for arrays of angles (rad), shape (n, 3, 3)."""
    cps, sps = np.cos(psi), np.sin(psi)
    cth, sth = np.cos(theta), np.sin(theta)
    cph, sph = np.cos(phi), np.sin(phi)
    return np.stack([
        np.stack([cps * cth, cps * sth * sph - sps * cph, cps * sth * cph + sps * sph], -1),
        np.stack([sps * cth, sps * sth * sph + cps * cph, sps * sth * cph - cps * sph], -1),
        np.stack([-sth, cth * sph, cth * cph], -1),
    ], -2)


def body_rate(psi, theta, phi, dt_s):
    """Body-frame angular velocity (rad/s) of euler_zyx, from the angle rates (2nd order)."""
    dpsi, dth, dph = (np.gradient(a, dt_s) for a in (psi, theta, phi))
    cth, sth, cph, sph = np.cos(theta), np.sin(theta), np.cos(phi), np.sin(phi)
    return np.stack([dph - dpsi * sth,
                     dth * cph + dpsi * cth * sph,
                     -dth * sph + dpsi * cth * cph], -1)


def _second_derivative(x, dt_s):
    out = np.empty_like(x)
    out[1:-1] = (x[2:] - 2 * x[1:-1] + x[:-2]) / (dt_s * dt_s)
    out[0], out[-1] = out[1], out[-2]
    return out


def trunk(sig, t_s, step_table, sway, lever_m, field=None, joint=None):
    """Attitude and sensor-site motion on the uniform grid t_s, for the scripted signals on that
    grid and the drawn per-step and sway parameters (see gait).

    The segment turns about the hip unless `joint` = (R_wb of the segment below, joint position
    in body axes, m) says it hinges on that segment (the thorax on the pelvis at the lumbar
    spine, twoseg.py): the site is then at R_below j + R_wb (lever - j) from the hip.

    Returns R_wb (n,3,3), omega_b (rad/s), specific force f_b (m/s^2) at the sensor site in body
    axes, and the instantaneous sagittal/lateral lean (deg) of the trunk. The first and last
    sample carry one-sided derivatives: callers keep them out of use."""
    dt_s = t_s[1] - t_s[0]
    vert_g, fore_g, lat_g = gait.pelvis_accel_g(sig["steps"], step_table)
    pitch_deg, roll_deg, yaw_deg = gait.rocking_deg(sig, t_s, sway, field)
    heading = sig["heading_rad"]
    psi = heading + np.radians(yaw_deg)
    theta = np.radians(sig["lean_deg"] + pitch_deg)
    phi = np.radians(sig["roll_deg"] + roll_deg)
    r_wb = euler_zyx(psi, theta, phi)
    omega_b = body_rate(psi, theta, phi, dt_s)

    fwd = np.stack([np.cos(heading), np.sin(heading), np.zeros_like(heading)], -1)
    left = np.stack([-np.sin(heading), np.cos(heading), np.zeros_like(heading)], -1)
    speed = sig["speed_mps"]
    a_fwd = G_MPS2 * fore_g + np.gradient(speed, dt_s)
    a_left = G_MPS2 * lat_g + speed * np.radians(sig["turn_dps"])  # centripetal
    a_w = a_fwd[:, None] * fwd + a_left[:, None] * left
    a_w[:, 2] += G_MPS2 * vert_g
    a_w += _second_derivative(r_wb @ lever_m, dt_s)  # the sensor swings around the hip
    if joint is not None:
        r_below, joint_m = joint
        a_w += _second_derivative((r_below - r_wb) @ joint_m, dt_s)
    f_w = a_w
    f_w[:, 2] += G_MPS2
    f_b = np.einsum("nji,nj->ni", r_wb, f_w)

    up = r_wb[:, :, 2]
    up_fwd = np.einsum("ni,ni->n", up, fwd)
    up_left = np.einsum("ni,ni->n", up, left)
    return {
        "R_wb": r_wb, "omega_b": omega_b, "f_b": f_b,
        "lean_inst_deg": np.degrees(np.arctan2(up_fwd, up[:, 2])),
        "roll_inst_deg": np.degrees(np.arctan2(-up_left, up[:, 2])),
    }
