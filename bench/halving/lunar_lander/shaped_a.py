import math
import numpy as np


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    # Shaped (good): the original potential (distance, speed, tilt, legs) with a stronger
    # hold on the tilt and on horizontal drift near the ground, fuel costs, and larger
    # landing / crash terms. The shaping difference is computed from the env's prev_shaping
    # plus an extra potential of its own kept on self.
    shaping = (
        -100 * math.sqrt(x * x + y * y)
        - 100 * math.sqrt(x_velocity * x_velocity + y_velocity * y_velocity)
        - 100 * abs(angle)
        + 10 * left_leg_contact
        + 10 * right_leg_contact
    )
    near_ground = 1.0 - float(np.clip(y, 0.0, 1.0))
    extra = -20.0 * abs(angle) - 20.0 * near_ground * abs(x_velocity)
    prev_extra = getattr(self, 'prev_extra_bench', None)
    prev_y = getattr(self, 'prev_y_bench', None)
    if prev_extra is None or prev_y is None or abs(y - prev_y) > 0.3:
        prev_extra = extra
    self.prev_extra_bench = None if terminated else extra
    self.prev_y_bench = None if terminated else y

    components = {
        'shaping_progress': float(shaping - prev_shaping),
        'stability_progress': float(extra - prev_extra),
        'main_engine_fuel': -0.3 * main_engine_power,
        'side_engine_fuel': -0.03 * side_engine_power,
        'landing_bonus': 0.0,
        'crash_penalty': 0.0,
    }
    if not lander_awake:
        components['landing_bonus'] = 120.0
    elif game_over or abs(x) >= 1.0:
        components['crash_penalty'] = -120.0
    total = float(sum(components.values()))
    return total, components
