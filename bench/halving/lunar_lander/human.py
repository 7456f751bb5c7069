import math


def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    # LunarLander-v3's own reward. Its core is a potential ("shaping") of the state: being
    # closer to the pad, slower, more level and with legs on the ground is better, and each
    # step earns the change of that potential since the previous step.
    shaping = (
        -100 * math.sqrt(x * x + y * y)
        - 100 * math.sqrt(x_velocity * x_velocity + y_velocity * y_velocity)
        - 100 * abs(angle)
        + 10 * left_leg_contact
        + 10 * right_leg_contact
    )
    components = {
        'shaping_progress': float(shaping - prev_shaping),
        'main_engine_fuel': -0.3 * main_engine_power,
        'side_engine_fuel': -0.03 * side_engine_power,
        'crash_penalty': 0.0,
        'rest_bonus': 0.0,
    }
    # A crash (the body touched the ground) or leaving the screen replaces the step's reward
    # by -100; coming to rest replaces it by +100 (and wins if both happen on one step).
    if not lander_awake:
        components = {name: 0.0 for name in components}
        components['rest_bonus'] = 100.0
    elif game_over or abs(x) >= 1.0:
        components = {name: 0.0 for name in components}
        components['crash_penalty'] = -100.0
    total = float(sum(components.values()))
    return total, components
