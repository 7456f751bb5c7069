import numpy as np

GAIT_WINDOW = 30


def compute_reward(self, hull_angle, hull_angular_velocity, horizontal_velocity, vertical_velocity, hull_x, hull_y, joint_angles, joint_speeds, leg_contacts, lidar, action, game_over, prev_shaping, terminated):
    # Remember which legs touched the ground recently; an alternating gait changes
    # the contact pattern regularly.
    if not hasattr(self, 'contact_history'):
        self.contact_history = []
    pattern = tuple(int(c > 0.5) for c in leg_contacts)
    self.contact_history.append(pattern)
    if len(self.contact_history) > GAIT_WINDOW:
        self.contact_history.pop(0)

    switches = sum(1 for a, b in zip(self.contact_history, self.contact_history[1:]) if a != b)
    single_support = sum(1 for p in self.contact_history if sum(p) == 1) / len(self.contact_history)
    hip_spread = abs(float(joint_angles[0] - joint_angles[2]))

    components = {
        'forward': 1.0 * horizontal_velocity,
        'gait_switches': 0.01 * min(switches, 10),
        'single_support': 0.1 * single_support,
        'hip_spread': 0.05 * min(hip_spread, 1.0),
        'tilt': -2.0 * abs(hull_angle),
        'fall': -100.0 if game_over else 0.0,
    }
    if terminated:
        self.contact_history = []
    total = sum(components.values())
    return total, components
