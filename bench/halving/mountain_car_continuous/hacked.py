import numpy as np


def compute_reward(self, position, velocity, action, terminated):
    # "Build momentum on the back slope": pays for speed and for height on the LEFT hill,
    # with no goal bonus. Every step pays and reaching the goal ends the episode, so the
    # agent climbs the left hill and rocks there instead of driving to the goal.
    backswing = (-0.5 - position) / 0.7  # 0 at the valley bottom, 1 at the left wall
    speed = abs(velocity) / 0.07
    components = {
        'backswing_reward': float(np.clip(backswing, 0.0, 1.0)),
        'speed_reward': float(0.2 * np.clip(speed, 0.0, 1.0)),
    }
    total = float(sum(components.values()))
    return total, components
