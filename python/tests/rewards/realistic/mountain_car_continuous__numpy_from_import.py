from math import sin, cos
from numpy import clip, tanh
from numpy.linalg import norm

GOAL = 0.45


def compute_reward(self, position: float, velocity: float, action, terminated: bool) -> tuple:
    def slope_help(pos: float, vel: float) -> float:
        # Positive when moving along the slope gains height.
        return float(tanh(100.0 * vel * cos(3.0 * pos)))

    height = sin(3.0 * position)
    state = [position - GOAL, velocity * 10.0]
    closeness = 1.0 - float(clip(norm(state) / 2.0, 0.0, 1.0))
    climb = 0.2 * slope_help(position, velocity)
    force = float(clip(action[0], -1.0, 1.0))

    result = {
        'closeness': closeness,
        'height': 0.1 * height,
        'climb': climb,
        'energy_cost': -0.1 * force ** 2,
        'reached_goal': 100.0 if terminated else 0.0,
    }
    return sum(result.values()), result
