import numpy as np


def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # Count the steps of the current episode: surviving longer is worth a little more.
    self.step_count = getattr(self, 'step_count', 0) + 1

    temperature_angle = 10.0
    temperature_velocity = 0.5
    angle_reward = np.exp(-temperature_angle * pole_angle ** 2)
    velocity_reward = np.exp(-temperature_velocity * (cart_velocity ** 2 + 0.1 * pole_angular_velocity ** 2))
    survival_bonus = np.tanh(self.step_count / 100.0)

    if terminated:
        termination_penalty = np.float64(-2.0)
        self.step_count = 0
    else:
        termination_penalty = np.float64(0.0)

    raw = {
        'angle_reward': angle_reward,
        'velocity_reward': 0.3 * velocity_reward,
        'survival_bonus': 0.2 * survival_bonus,
        'termination_penalty': termination_penalty,
    }
    components = {name: np.float64(value) for name, value in raw.items()}
    total_reward = np.sum(list(components.values()))
    return total_reward, components
