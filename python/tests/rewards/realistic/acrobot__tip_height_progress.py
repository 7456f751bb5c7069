import numpy as np


def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    # Height of the free end above the pivot, in link lengths: -cos(t1) - cos(t1 + t2).
    cos_t1_plus_t2 = cos_theta1 * cos_theta2 - sin_theta1 * sin_theta2
    tip_height = -cos_theta1 - cos_t1_plus_t2  # in [-2, 2]; the target is > 1.0

    prev_height = getattr(self, 'prev_tip_height', None)
    if prev_height is None:
        height_progress = 0.0
    else:
        height_progress = 5.0 * (tip_height - prev_height)
    self.prev_tip_height = None if terminated else tip_height

    height_reward = 0.25 * (tip_height + 2.0) / 4.0
    time_penalty = -1.0
    goal_bonus = 10.0 if terminated else 0.0

    total_reward = height_reward + height_progress + time_penalty + goal_bonus
    return float(total_reward), {
        'height_reward': float(height_reward),
        'height_progress': float(height_progress),
        'time_penalty': time_penalty,
        'goal_bonus': goal_bonus,
    }
