import math
import numpy as np


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    # Shaped (good-ish): per-step state costs instead of a potential difference: distance to
    # the pad, speed and tilt, each through exp with a temperature; leg contact bonus, fuel
    # costs, landing and crash terms.
    distance_temperature = 0.5
    speed_temperature = 0.5
    tilt_temperature = 0.3
    distance = math.sqrt(x * x + y * y)
    speed = math.sqrt(x_velocity * x_velocity + y_velocity * y_velocity)

    components = {
        'distance_reward': float(0.3 * math.exp(-distance / distance_temperature)),
        'speed_reward': float(0.2 * math.exp(-speed / speed_temperature)),
        'tilt_reward': float(0.1 * math.exp(-abs(angle) / tilt_temperature)),
        'leg_contact': float(0.2 * (left_leg_contact + right_leg_contact)),
        'fuel_cost': -float(0.3 * main_engine_power + 0.03 * side_engine_power),
        'landing_bonus': 100.0 if not lander_awake else 0.0,
        'crash_penalty': -100.0 if (lander_awake and (game_over or abs(x) >= 1.0)) else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
