import numpy as np


def compute_reward(self, position, velocity, action, terminated):
    # Push in the direction of motion to pump energy into the swing.
    force = float(np.clip(action[0], -1.0, 1.0))
    same_direction = np.sign(force) == np.sign(velocity)
    pumping = 0.5 * abs(force) if same_direction else -0.2 * abs(force)

    height = np.sin(3.0 * position)  # the track's height profile
    height_reward = 0.5 * (height + 1.0)
    effort = -0.05 * np.abs(action).sum()
    success = 100.0 if terminated else 0.0

    total = pumping + height_reward + effort + success
    return total, {
        'pumping': pumping,
        'height_reward': float(height_reward),
        'effort': float(effort),
        'success': success,
    }
