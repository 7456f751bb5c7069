"""Potential-based shaping for CartPole: reward the change of a potential of the state."""
import numpy as np

ANGLE_LIMIT = 0.2095
POSITION_LIMIT = 2.4
GAMMA = 0.99


def potential(cart_position, pole_angle):
    return -(abs(pole_angle) / ANGLE_LIMIT) - 0.5 * (abs(cart_position) / POSITION_LIMIT)


def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    current_potential = potential(cart_position, pole_angle)
    try:
        previous_potential = self.prev_potential
    except AttributeError:
        previous_potential = current_potential
    shaping = GAMMA * current_potential - previous_potential
    self.prev_potential = current_potential

    alive_bonus = 1.0
    termination_penalty = -5.0 if terminated else 0.0
    total_reward = alive_bonus + shaping + termination_penalty
    return float(total_reward), {
        'alive_bonus': alive_bonus,
        'shaping': float(shaping),
        'termination_penalty': termination_penalty,
    }
