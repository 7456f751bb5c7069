"""Penalize standing still: the walker must keep moving forward."""
import numpy as np

STUCK_STEPS = 50


def compute_reward(self, hull_angle, hull_angular_velocity, horizontal_velocity, vertical_velocity, hull_x, hull_y, joint_angles, joint_speeds, leg_contacts, lidar, action, game_over, prev_shaping, terminated):
    try:
        last_x, idle = self.last_x, self.idle_steps
    except AttributeError:
        last_x, idle = hull_x, 0

    moved = hull_x - last_x
    idle = idle + 1 if moved < 0.01 else 0
    self.last_x, self.idle_steps = hull_x, idle

    stuck_penalty = -0.1 if idle > STUCK_STEPS else 0.0
    progress = 5.0 * moved
    balance = -3.0 * abs(hull_angle)
    torque = -0.01 * float(np.square(action).sum())
    fall = -100.0 if game_over else 0.0

    reward_terms = {
        'progress': progress,
        'balance': balance,
        'torque': torque,
        'stuck_penalty': stuck_penalty,
        'fall': fall,
    }
    return sum(reward_terms.values()), reward_terms
