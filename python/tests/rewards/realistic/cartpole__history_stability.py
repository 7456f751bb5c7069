import numpy as np

HISTORY_LENGTH = 20


def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # Keep a short history of pole angles: a stable pole has a small spread.
    if not hasattr(self, 'angle_history'):
        self.angle_history = []
    self.angle_history.append(pole_angle)
    if len(self.angle_history) > HISTORY_LENGTH:
        self.angle_history.pop(0)

    stability = 1.0 - min(float(np.std(self.angle_history)) / 0.1, 1.0)
    upright = 1.0 - abs(pole_angle) / 0.2095

    # Discourage pushing in the direction the pole is already falling away from.
    push = 1 if int(action) == 1 else -1
    if isinstance(action, (int, np.integer)) and np.sign(pole_angle) == push:
        corrective = 0.1
    else:
        corrective = 0.0

    if terminated:
        self.angle_history.clear()

    components = {
        'upright': float(upright),
        'stability': 0.5 * stability,
        'corrective_push': corrective,
    }
    total = sum(components.values())
    return total, components
