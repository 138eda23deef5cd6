"""Where and how the board sits on the trunk: the rotation R_bs (body-from-sensor) and the lever
arm from the hip. Body axes: x forward, y left, z up along the trunk."""
import numpy as np

MOUNTS = ("chest", "back", "sideways", "upside-down", "yaw45", "random", "belt")

# Chest strap: board face out of the chest (sensor z forward), its x axis up, y to the wearer's
# right; the sternum slopes, so the board leans back 8 deg and sits 2 deg askew.
_CHEST_AXES = np.array([[0.0, 0.0, 1.0],
                        [0.0, -1.0, 0.0],
                        [1.0, 0.0, 0.0]])
CHEST_TILT_DEG = (2.0, -8.0)  # about body x, about body y
CHEST_LEVER_M = (0.12, 0.0, 0.45)
# A logger on a belt as in SisFall (shared/real/README.md): x to the wearer's right, y down,
# z forward, pitched -8 to +24 deg on the belt depending on the wearer.
_BELT_AXES = np.array([[0.0, 0.0, 1.0],
                       [-1.0, 0.0, 0.0],
                       [0.0, -1.0, 0.0]])
BELT_PITCH_DEG = (-8.0, 24.0)
BELT_LEVER_M = (0.10, 0.0, 0.08)


def rot_x(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def rot_y(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def rot_z(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def _random_rotation(rng):
    """Uniform on SO(3): a normalised Gaussian quaternion."""
    q = rng.standard_normal(4)
    w, x, y, z = q / np.linalg.norm(q)
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
    ])


def mount(name, rng):
    """(R_bs 3x3, lever arm in body axes in m) for a named mount; rng serves 'random'."""
    tilt_x, tilt_y = np.radians(CHEST_TILT_DEG)
    chest = rot_x(tilt_x) @ rot_y(tilt_y) @ _CHEST_AXES
    lever = np.array(CHEST_LEVER_M)
    if name == "chest":
        return chest, lever
    if name == "back":
        return rot_z(np.pi) @ chest, np.array([-0.10, 0.0, 0.45])
    if name == "sideways":  # on the left flank, face out to the left
        return rot_z(np.pi / 2) @ chest, np.array([0.0, 0.15, 0.40])
    if name == "upside-down":
        return rot_x(np.pi) @ chest, lever
    if name == "yaw45":  # front-left of the chest, turned 45 deg
        return rot_z(np.pi / 4) @ chest, rot_z(np.pi / 4) @ lever
    if name == "random":
        return _random_rotation(rng), lever
    if name == "belt":
        return rot_y(np.radians(rng.uniform(*BELT_PITCH_DEG))) @ _BELT_AXES, np.array(BELT_LEVER_M)
    raise ValueError("unknown mount %r" % name)


def site_lever(name, lever_m):
    """The lever arm of a clip at a site (field.LEVER_M, chest-front axes) for a named mount:
    "back" sits behind the trunk, "yaw45" turned 45 deg round it, the others in front."""
    lever = np.array(lever_m, dtype=float)
    if name == "back":
        lever[0] = -lever[0]
    elif name == "yaw45":
        lever = rot_z(np.pi / 4) @ lever
    return lever
