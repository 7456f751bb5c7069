"""CartPole-v1 for stable-eureka.

A thin subclass of gymnasium's CartPoleEnv: the physics, termination and rendering are
gymnasium's own; step() hands the outcome to `compute_reward`, which is not defined here
(stable-eureka binds the reward under test to a subclass at run time).
`compute_fitness_score` returns gymnasium's own reward, so an episode's fitness is its
CartPole-v1 return.
"""

from gymnasium.envs.classic_control.cartpole import CartPoleEnv as GymCartPoleEnv


class CartPoleEnv(GymCartPoleEnv):
    def step(self, action):
        # gymnasium's CartPole step: physics, termination, original reward.
        observation, original_reward, terminated, truncated, _ = super().step(action)

        # The observation, after the step.
        cart_position, cart_velocity, pole_angle, pole_angular_velocity = observation.tolist()
        # action: 0 pushes the cart to the left, 1 to the right.
        # terminated: the pole tilted past +-12 degrees (0.2095 rad) or the cart left +-2.4.

        reward, individual_reward = self.compute_reward(cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated)

        fitness_score = self.compute_fitness_score(original_reward)
        individual_reward.update({'fitness_score': fitness_score})

        return observation, reward, terminated, truncated, individual_reward

    def compute_fitness_score(self, original_reward):
        """Ground truth: CartPole-v1's own reward for this step (+1 per step, termination step included)."""
        return float(original_reward)
