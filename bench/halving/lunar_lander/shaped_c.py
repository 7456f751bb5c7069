import math
import numpy as np


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    # Shaped (mediocre): a descent-rate target and pad distance, but no landing bonus and a
    # time penalty that makes a quick crash look almost as good as a slow landing.
    target_descent = -0.3
    descent_error = abs(y_velocity - target_descent)
    components = {
        'time_penalty': -0.3,
        'descent_reward': float(0.2 * math.exp(-descent_error / 0.2)),
        'pad_distance': -float(0.5 * np.clip(abs(x), 0.0, 1.0)),
        'tilt_penalty': -float(0.5 * abs(angle)),
        'crash_penalty': -20.0 if game_over else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
