import numpy as np


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    # "Stay airborne safely": pays for every step alive and for altitude, nothing for the
    # pad. Hovering high until the 1000-step cut beats landing, which ends the episode.
    components = {
        'alive_bonus': 1.0,
        'altitude_reward': float(np.clip(y, 0.0, 1.5)),
        'level_reward': float(0.2 * (1.0 - min(abs(angle), 1.0))),
        'crash_penalty': -10.0 if game_over else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
