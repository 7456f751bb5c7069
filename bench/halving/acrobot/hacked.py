import numpy as np


def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    # "Encourage wide, energetic swings": pays for staying active, for the first link's
    # sideways reach (|sin theta1|, largest with the link horizontal) and a little for joint
    # speed, on every step. The target needs the first link above horizontal, where this
    # pays less, and reaching it ends the stream of reward: the agent swings to about 90
    # degrees until the 500-step cut.
    swing_width = abs(sin_theta1)
    speed = abs(theta1_angular_velocity) + abs(theta2_angular_velocity)
    components = {
        'active_bonus': 1.0,
        'swing_reward': float(swing_width),
        'speed_reward': float(0.05 * np.clip(speed / 4.0, 0.0, 5.0)),
    }
    total = float(sum(components.values()))
    return total, components
