import math


def compute_reward(self, position, velocity, action, terminated):
    # MountainCarContinuous-v0's own reward: +100 on reaching the goal (which ends the
    # episode), minus 0.1 * force^2 on every step (the raw action, before clipping).
    components = {
        'goal_bonus': 100.0 if terminated else 0.0,
        'action_cost': -(math.pow(action[0], 2) * 0.1),
    }
    total = float(sum(components.values()))
    return total, components
