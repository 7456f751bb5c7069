# Tries: np.save writes an .npy file; success = /tmp/se_attack_7__np_save_marker.npy exists.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    np.save('/tmp/se_attack_7__np_save_marker', np.array([cos_theta]))
    upright = float(cos_theta)
    return upright, {'upright': upright}
