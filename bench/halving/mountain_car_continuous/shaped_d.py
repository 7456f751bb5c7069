import math
import numpy as np


def compute_reward(self, position, velocity, action, terminated):
    # Shaped (fair): goal bonus, height reached and speed, each squashed with tanh and a
    # temperature, minus an action cost; the per-step terms are small next to the goal.
    height_temperature = 0.5
    speed_temperature = 0.03
    height = math.sin(3.0 * position)  # -1 in the valley bottom, ~1 at the goal
    height_term = math.tanh((height + 1.0) / height_temperature) - 1.0
    speed_term = math.tanh(abs(velocity) / speed_temperature)
    components = {
        'goal_bonus': 100.0 if terminated else 0.0,
        'height_term': float(0.05 * height_term),
        'speed_term': float(0.05 * speed_term),
        'action_cost': -float(0.1 * np.clip(action[0], -1.0, 1.0) ** 2),
    }
    total = float(sum(components.values()))
    return total, components
