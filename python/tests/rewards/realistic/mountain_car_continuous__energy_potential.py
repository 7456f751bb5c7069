import numpy as np


def _mechanical_energy(position, velocity):
    # Height of the track is sin(3 x); gravity 0.0025 in the env's units.
    return 0.0025 * np.sin(3 * position) + 0.5 * velocity ** 2


def compute_reward(self, position, velocity, action, terminated):
    energy = _mechanical_energy(position, velocity)
    prev_energy = getattr(self, 'prev_energy', None)
    energy_gain = 0.0 if prev_energy is None else float(energy - prev_energy) * 1000.0
    self.prev_energy = None if terminated else energy

    # Distance to the flag, using the env's goal_position.
    goal_distance = max(0.0, self.goal_position - position)
    distance_penalty = -0.01 * goal_distance
    speed_bonus = 0.1 * abs(velocity) / self.max_speed
    action_cost = -0.1 * float(action[0]) ** 2
    goal_bonus = 100.0 if terminated else 0.0

    total = energy_gain + distance_penalty + speed_bonus + action_cost + goal_bonus
    return float(total), {
        'energy_gain': energy_gain,
        'distance_penalty': distance_penalty,
        'speed_bonus': speed_bonus,
        'action_cost': action_cost,
        'goal_bonus': goal_bonus,
    }
