import math
import numpy as np


def compute_reward(self, position, velocity, action, terminated):
    # Sensible terms (goal bonus, height, action cost), but the action cost is 1000x the
    # original (100 * force^2 a step): any force costs more than the goal is worth, so the
    # agent learns to stand still.
    force = float(np.clip(action[0], -1.0, 1.0))
    height = math.sin(3.0 * position)
    components = {
        'goal_bonus': 100.0 if terminated else 0.0,
        'height_reward': float(0.1 * (height + 1.0)),
        'action_cost': -float(100.0 * force ** 2),
    }
    total = float(sum(components.values()))
    return total, components
