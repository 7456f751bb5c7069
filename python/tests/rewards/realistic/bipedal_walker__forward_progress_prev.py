import numpy as np


def compute_reward(self, hull_angle, hull_angular_velocity, horizontal_velocity, vertical_velocity, hull_x, hull_y, joint_angles, joint_speeds, leg_contacts, lidar, action, game_over, prev_shaping, terminated):
    # Forward progress since the previous step, in the same units as the original reward
    # (SCALE comes from the env module).
    if not hasattr(self, 'prev_hull_x'):
        self.prev_hull_x = hull_x
    progress = 130.0 * (hull_x - self.prev_hull_x) / SCALE
    self.prev_hull_x = hull_x

    posture_penalty = -5.0 * abs(hull_angle)
    bounce_penalty = -0.5 * abs(vertical_velocity)
    torque_penalty = -0.00035 * MOTORS_TORQUE * float(np.sum(np.clip(np.abs(action), 0.0, 1.0)))
    fall_penalty = -100.0 if game_over else 0.0
    if terminated:
        del self.prev_hull_x

    total = progress + posture_penalty + bounce_penalty + torque_penalty + fall_penalty
    return float(total), {
        'progress': float(progress),
        'posture_penalty': posture_penalty,
        'bounce_penalty': bounce_penalty,
        'torque_penalty': torque_penalty,
        'fall_penalty': fall_penalty,
    }
