import numpy as np


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    # Read the Box2D body directly (world units) for the landing-pad geometry.
    pos = np.array([self.lander.position[0], self.lander.position[1]])
    vel = np.array([self.lander.linearVelocity[0], self.lander.linearVelocity[1]])
    pad_center = np.array([(self.helipad_x1 + self.helipad_x2) / 2.0, self.helipad_y])
    pad_half_width = (self.helipad_x2 - self.helipad_x1) / 2.0

    distance = np.linalg.norm(pos - pad_center)
    distance_reward = -0.05 * distance
    over_pad = abs(pos[0] - pad_center[0]) < pad_half_width
    descent_reward = 0.2 if (over_pad and -1.0 < vel[1] < 0.0) else 0.0
    upright_reward = -0.5 * abs(self.lander.angle)

    legs_down = int(self.legs[0].ground_contact) + int(self.legs[1].ground_contact)
    contact_reward = 0.3 * legs_down
    crash_penalty = -100.0 if self.game_over else 0.0
    landed_bonus = 100.0 if not lander_awake else 0.0
    fuel = -0.3 * main_engine_power - 0.03 * side_engine_power

    components = {
        'distance_reward': float(distance_reward),
        'descent_reward': descent_reward,
        'upright_reward': float(upright_reward),
        'contact_reward': contact_reward,
        'crash_penalty': crash_penalty,
        'landed_bonus': landed_bonus,
        'fuel': fuel,
    }
    return sum(components.values()), components
