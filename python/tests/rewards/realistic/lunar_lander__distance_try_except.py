import math

import numpy as np


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    distance = math.sqrt(x ** 2 + y ** 2)
    speed = math.sqrt(x_velocity ** 2 + y_velocity ** 2)

    # Reward getting closer to the pad than on the previous step.
    try:
        approach = 10.0 * (self.prev_distance - distance)
    except AttributeError:
        approach = 0.0
    self.prev_distance = distance

    tilt_penalty = -abs(angle) - 0.1 * abs(angular_velocity)
    speed_penalty = -0.5 * speed
    leg_bonus = 0.5 * (left_leg_contact + right_leg_contact)
    fuel_penalty = -0.3 * main_engine_power - 0.03 * side_engine_power

    if game_over or abs(x) >= 1.0:
        outcome = -100.0
    elif not lander_awake:
        outcome = 100.0
    else:
        outcome = 0.0
    if terminated:
        del self.prev_distance

    components = {
        'approach': approach,
        'tilt_penalty': tilt_penalty,
        'speed_penalty': speed_penalty,
        'leg_bonus': leg_bonus,
        'fuel_penalty': fuel_penalty,
        'outcome': outcome,
    }
    return float(sum(components.values())), components
