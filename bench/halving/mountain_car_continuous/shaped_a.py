import math
import numpy as np


def compute_reward(self, position, velocity, action, terminated):
    # Shaped (good): the original goal bonus and action cost, plus a potential-based
    # mechanical-energy term (change since the previous step, kept on self): building the
    # swing pays, and the potential difference leaves the optimal policy unchanged.
    def mechanical_energy(pos, vel):
        height = math.sin(3.0 * pos) * 0.45 + 0.55
        return 0.0025 * height + 0.5 * vel * vel

    energy = mechanical_energy(position, velocity)
    prev_energy = getattr(self, 'prev_energy_bench', None)
    if prev_energy is None:
        prev_energy = energy
    energy_gain = 0.9999 * energy - prev_energy
    self.prev_energy_bench = None if terminated else energy

    components = {
        'goal_bonus': 100.0 if terminated else 0.0,
        'energy_gain': float(np.clip(energy_gain * 2000.0, -5.0, 5.0)),
        'action_cost': -float(0.1 * action[0] ** 2),
    }
    total = float(sum(components.values()))
    return total, components
