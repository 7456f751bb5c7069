import math


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    # The original shaping and end bonuses, but the main-engine fuel cost is 1000x too large
    # (-300 a firing step): the agent learns never to fire the main engine and falls.
    shaping = (
        -100 * math.sqrt(x * x + y * y)
        - 100 * math.sqrt(x_velocity * x_velocity + y_velocity * y_velocity)
        - 100 * abs(angle)
        + 10 * left_leg_contact
        + 10 * right_leg_contact
    )
    components = {
        'shaping_progress': float(shaping - prev_shaping),
        'main_engine_fuel': -300.0 * main_engine_power,
        'side_engine_fuel': -0.03 * side_engine_power,
        'end_bonus': 0.0,
    }
    if not lander_awake:
        components['end_bonus'] = 100.0
    elif game_over or abs(x) >= 1.0:
        components['end_bonus'] = -100.0
    total = float(sum(components.values()))
    return total, components
