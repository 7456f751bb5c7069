from math import pi
from numpy import clip

import numpy as np

WEIGHTS = {'angle': 1.0, 'position': 0.3, 'velocity': 0.1}


def compute_reward(self, cart_position: float, cart_velocity: float, pole_angle: float, pole_angular_velocity: float, action: int, terminated: bool) -> tuple[float, dict[str, float]]:
    def quadratic_cost(value: float, scale: float) -> float:
        return float(clip((value / scale) ** 2, 0.0, 1.0))

    max_angle = 12 * pi / 180
    costs = [
        quadratic_cost(pole_angle, max_angle),
        quadratic_cost(cart_position, 2.4),
        quadratic_cost(np.linalg.norm([cart_velocity, pole_angular_velocity]), 3.0),
    ]
    names = ['angle', 'position', 'velocity']
    components: dict[str, float] = {}
    for i, (name, cost) in enumerate(zip(names, costs)):
        components[f'{name}_reward'] = WEIGHTS[name] * (1.0 - cost)
    components['terminal'] = -1.0 * float(terminated)
    total: float = sum(value for value in components.values())
    return total, components
