import math
import numpy as np


def compute_reward(self, position, velocity, action, terminated):
    # Shaped (good): goal bonus, a bonus for each new rightmost position this episode (kept
    # on self), velocity toward the right hill, small action cost.
    prev_position = getattr(self, 'prev_position_bench', None)
    # A new episode: the first call, the step after the goal, or a jump no step can make.
    new_episode = prev_position is None or getattr(self, 'ended_bench', False) or abs(position - prev_position) > 0.08
    if new_episode or getattr(self, 'max_position_bench', None) is None:
        self.max_position_bench = position
    self.ended_bench = bool(terminated)
    self.prev_position_bench = position

    new_record = max(position - self.max_position_bench, 0.0)
    self.max_position_bench = max(self.max_position_bench, position)

    components = {
        'goal_bonus': 100.0 if terminated else 0.0,
        'record_bonus': float(np.clip(50.0 * new_record, 0.0, 5.0)),
        'velocity_reward': float(np.clip(velocity / 0.07, -1.0, 1.0) * 0.05),
        'action_cost': -float(0.1 * action[0] ** 2),
    }
    total = float(sum(components.values()))
    return total, components
