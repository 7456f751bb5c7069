import numpy as np


def compute_reward(self, hull_angle, hull_angular_velocity, horizontal_velocity, vertical_velocity, hull_x, hull_y, joint_angles, joint_speeds, leg_contacts, lidar, action, game_over, prev_shaping, terminated):
    action = np.asarray(action, dtype=np.float64)
    torques = np.clip(action, -1.0, 1.0)
    # Mechanical power ~ torque * joint speed; efficiency = forward speed per unit power.
    power = float(np.abs(np.dot(torques, np.asarray(joint_speeds))))
    effort = float(np.abs(action).sum())

    velocity_reward = np.tanh(2.0 * horizontal_velocity)
    efficiency = horizontal_velocity / (1.0 + power)
    torque_cost = 0.00035 * MOTORS_TORQUE * effort
    angle_cost = 5.0 * abs(hull_angle) + 0.1 * abs(hull_angular_velocity)
    shaping_delta = (130 * hull_x / SCALE - 5.0 * abs(hull_angle)) - prev_shaping

    components = {
        'velocity_reward': float(velocity_reward),
        'efficiency': float(efficiency),
        'torque_cost': -torque_cost,
        'angle_cost': -angle_cost,
        'shaping_delta': float(shaping_delta),
        'fall': -100.0 if (game_over or hull_x < 0) else 0.0,
    }
    return float(np.sum(list(components.values()))), components
