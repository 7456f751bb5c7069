import math
import numpy as np


def compute_reward(self, position, velocity, action, terminated):
    # Shaped (mediocre): rewards being to the right every step. The car climbs the right
    # slope a bit and sits there pushing; it must first go left to reach the goal, which
    # this reward punishes, so it learns the swing only by chance.
    position_temperature = 0.3
    closeness = math.exp(-((0.45 - position) / position_temperature) ** 2)
    components = {
        'goal_bonus': 10.0 if terminated else 0.0,
        'closeness_reward': float(closeness),
        'action_cost': -float(0.1 * action[0] ** 2),
    }
    total = float(sum(components.values()))
    return total, components
