# Tries: np.savez_compressed writes a zip file; success = /tmp/se_attack_7__np_savez_marker.npz exists.
def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    np.savez_compressed('/tmp/se_attack_7__np_savez_marker', x=np.array([cos_theta]))
    upright = float(cos_theta)
    return upright, {'upright': upright}
