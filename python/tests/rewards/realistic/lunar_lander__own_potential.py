import math

DIST_WEIGHT = 100.0
SPEED_WEIGHT = 100.0
ANGLE_WEIGHT = 100.0
LEG_WEIGHT = 10.0


def landing_potential(x, y, vx, vy, angle, left, right):
    return (
        -DIST_WEIGHT * math.hypot(x, y)
        - SPEED_WEIGHT * math.hypot(vx, vy)
        - ANGLE_WEIGHT * abs(angle)
        + LEG_WEIGHT * (left + right)
    )


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    potential = landing_potential(x, y, x_velocity, y_velocity, angle, left_leg_contact, right_leg_contact)
    previous = getattr(self, 'my_prev_potential', None)
    shaping = 0.0 if previous is None else potential - previous
    self.my_prev_potential = None if terminated else potential

    # Also keep the env's own shaping delta as a reference term.
    env_shaping = potential - prev_shaping

    terms = {
        'shaping': shaping,
        'env_shaping_delta': 0.1 * env_shaping,
        'main_fuel': -0.3 * main_engine_power,
        'side_fuel': -0.03 * side_engine_power,
        'crash': -100.0 * float(game_over),
        'rest': 100.0 * float(not lander_awake),
    }
    scaled = {name: value / 10.0 for name, value in terms.items()}
    return sum(scaled.values()), scaled
