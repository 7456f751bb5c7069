import numpy as np

TORQUES = (-1.0, 0.0, 1.0)


def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    """Energy pumping: apply torque in the direction the second link already moves."""
    torque = TORQUES[int(action)]
    assert torque in TORQUES, f"unexpected action {action!r}"

    velocities = np.asarray([theta1_angular_velocity, theta2_angular_velocity], dtype=np.float64)
    direction = np.sign(velocities)
    # Positive when the torque helps both links' current motion.
    alignment = float(np.dot(direction, np.array([0.5, 1.0])) * torque)
    pumping = 0.1 * np.clip(alignment, -1.0, 1.0)

    height = -cos_theta1 - (cos_theta1 * cos_theta2 - sin_theta1 * sin_theta2)
    height_bonus = 0.5 * max(height, 0.0)
    effort = -0.01 * abs(torque)
    goal = 100.0 if terminated else 0.0
    step = -1.0

    parts = {'pumping': pumping, 'height_bonus': height_bonus, 'effort': effort, 'goal': goal, 'step': step}
    total = np.float64(sum(parts.values()))
    return total, {k: float(v) for k, v in parts.items()}
