import numpy as np


def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    """Swing-up by energy shaping, then balance.

    The energy of the pendulum relative to resting upright is zero exactly when it can coast
    to the top; the reward pushes that energy towards zero and then rewards small angles.
    """
    g, m, l = self.g, self.m, self.l
    # Kinetic + potential energy; theta = 0 is upright, so the potential is m g l cos(theta).
    energy = 0.5 * m * (l ** 2) * angular_velocity ** 2 + m * g * l * (cos_theta - 1.0)
    energy_error = abs(energy) / (2.0 * m * g * l)
    energy_reward = 1.0 - np.tanh(2.0 * energy_error)

    balance_reward = cos_theta if cos_theta > 0.9 else 0.0
    # Change of angular velocity over one step (dt from the env) as an effort measure.
    angular_acceleration = (angular_velocity - prev_angular_velocity) / self.dt
    effort_penalty = -0.0005 * angular_acceleration ** 2 - 0.001 * torque ** 2

    total = 0.5 * energy_reward + 2.0 * balance_reward + effort_penalty
    return total, {
        'energy_reward': 0.5 * energy_reward,
        'balance_reward': 2.0 * balance_reward,
        'effort_penalty': effort_penalty,
    }
