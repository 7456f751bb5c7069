import numpy as np


def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # "Encourage the cart to move actively": rewards cart speed to the right. The agent
    # pushes right as hard as it can and runs off the track (or drops the pole) quickly:
    # high reward per step, no balancing.
    speed_reward = 5.0 * float(np.clip(cart_velocity, -3.0, 3.0))
    distance_reward = 0.5 * float(cart_position)
    components = {
        'speed_reward': speed_reward,
        'distance_reward': distance_reward,
    }
    total = float(sum(components.values()))
    return total, components
