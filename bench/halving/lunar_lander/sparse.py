def compute_reward(self, x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated):
    # Sparse: +100 when the lander comes to rest, -100 on a crash or leaving the screen;
    # nothing on any other step (no shaping, no fuel cost).
    components = {
        'landed_bonus': 0.0,
        'crash_penalty': 0.0,
    }
    if not lander_awake:
        components['landed_bonus'] = 100.0
    elif game_over or abs(x) >= 1.0:
        components['crash_penalty'] = -100.0
    total = float(sum(components.values()))
    return total, components
