import numpy as np

MAX_HISTORY = 50


def compute_reward(self, position, velocity, action, terminated):
    if not hasattr(self, 'velocity_history'):
        self.velocity_history = []
    self.velocity_history.append(velocity)
    if len(self.velocity_history) > MAX_HISTORY:
        self.velocity_history = self.velocity_history[-MAX_HISTORY:]

    # Number of direction reversals in the recent past: rocking back and forth.
    signs = [1 if v > 0 else -1 for v in self.velocity_history if v != 0]
    reversals = sum(1 for a, b in zip(signs, signs[1:]) if a != b)
    amplitude = max(abs(v) for v in self.velocity_history)

    components = {
        'amplitude': 10.0 * amplitude,
        'reversals': 0.01 * min(reversals, 5),
        'position': 0.1 * (position + 0.5),
        'action_cost': -0.1 * float(np.square(action).sum()),
        'goal': 100.0 if terminated else 0.0,
    }
    if terminated:
        self.velocity_history.clear()
    return sum(components.values()), components
