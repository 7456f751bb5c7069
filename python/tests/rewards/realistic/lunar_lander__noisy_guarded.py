import math
import random

import numpy as np


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    try:
        # How steep the approach is: horizontal distance per unit of height.
        glide_slope = abs(x) / y
        slope_penalty = -min(glide_slope, 5.0) * 0.1
    except ZeroDivisionError:
        slope_penalty = 0.0
    except Exception:
        slope_penalty = -0.5

    descent_rate_penalty = -max(0.0, -y_velocity - 0.5)
    level_bonus = 0.1 * math.cos(angle)
    noise = 0.001 * random.uniform(-1.0, 1.0) + float(np.random.normal(0.0, 0.001))
    legs = 0.2 * (left_leg_contact + right_leg_contact)
    end = 0.0
    if game_over:
        end = -100.0
    elif not lander_awake:
        end = 100.0

    components = {
        'slope_penalty': slope_penalty,
        'descent_rate_penalty': descent_rate_penalty,
        'level_bonus': level_bonus,
        'legs': legs,
        'end': end,
        'noise': noise,
    }
    components = {k: float(np.nan_to_num(v, nan=0.0)) for k, v in components.items()}
    total = sum(components.values())
    assert math.isfinite(total), f"total reward {total} is not finite (x={x:.2f}, y={y:.2f})"
    return total, components
