import math


def compute_reward(self, hull_angle, hull_angular_velocity, horizontal_velocity, vertical_velocity, hull_x, hull_y, joint_angles, joint_speeds, leg_contacts, lidar, action, game_over, prev_shaping, terminated):
    # Read the Box2D bodies directly: world-unit velocity and the lower legs' contacts.
    velocity = self.hull.linearVelocity
    forward_speed = float(velocity[0])
    upright = math.cos(self.hull.angle)

    left_down = bool(self.legs[1].ground_contact)
    right_down = bool(self.legs[3].ground_contact)
    both_in_air = not (left_down or right_down)
    both_down = left_down and right_down

    speed_reward = 0.5 * max(min(forward_speed, 3.0), -1.0)
    upright_reward = 0.2 * upright
    flight_penalty = -0.1 if both_in_air else 0.0
    shuffle_penalty = -0.02 if both_down else 0.0
    fall_penalty = -50.0 if self.game_over else 0.0
    harder = 1.5 if self.hardcore else 1.0

    components = {
        'speed_reward': harder * speed_reward,
        'upright_reward': upright_reward,
        'flight_penalty': flight_penalty,
        'shuffle_penalty': shuffle_penalty,
        'fall_penalty': fall_penalty,
    }
    total = sum(components.values())
    return total, components
