import math

import numpy as np


def compute_reward(self, hull_angle, hull_angular_velocity, horizontal_velocity, vertical_velocity, hull_x, hull_y, joint_angles, joint_speeds, leg_contacts, lidar, action, game_over, prev_shaping, terminated):
    scan = np.nan_to_num(np.asarray(lidar, dtype=np.float64), nan=1.0)
    assert scan.shape == (10,), 'unexpected lidar shape {}'.format(scan.shape)

    # The lidar fans out ahead and downward: small readings mean ground (or an obstacle) close.
    nearest = float(np.min(scan))
    try:
        clearance = 1.0 / nearest
    except (ValueError, ZeroDivisionError):
        clearance = 10.0
    clearance = min(clearance, 10.0)

    ground_following = -0.05 * abs(clearance - 2.0)
    forward = 1.5 * horizontal_velocity
    tilt = -4.0 * hull_angle ** 2
    knee_bend = 0.02 * float(np.mean(np.clip(joint_angles[[1, 3]], -1.0, 1.0)))
    noise = float(np.random.normal(0.0, 1e-3))
    fall = -100.0 if game_over else 0.0

    total = forward + ground_following + tilt + knee_bend + noise + fall
    if not math.isfinite(total):
        total = 0.0
    return total, {
        'forward': forward,
        'ground_following': ground_following,
        'tilt': tilt,
        'knee_bend': knee_bend,
        'noise': noise,
        'fall': fall,
    }
