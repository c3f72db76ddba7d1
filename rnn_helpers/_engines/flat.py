"""What the fast training engines share: one flat parameter vector with named views into it, and
the size below which a gradient walking back in time can be dropped.

With every parameter in one vector, train() clips, measures and updates the parameters with one
numpy call each, whatever their number (see _engines).
"""

import numpy as np

__all__ = ["FlatVector", "negligible_gradient"]


class FlatVector:
    """A zero vector theta of one dtype, cut into named arrays: flat["M"] is a view into theta.

    shapes: dict name -> shape, in the order the parts follow each other in theta.
    """

    def __init__(self, shapes, dtype=np.float64):
        sizes = [int(np.prod(shape)) for shape in shapes.values()]
        self.theta = np.zeros(sum(sizes), dtype)
        self.views, at = {}, 0
        for (name, shape), size in zip(shapes.items(), sizes):
            self.views[name] = self.theta[at:at + size].reshape(shape)
            at += size

    def __getitem__(self, name):
        return self.views[name]


def negligible_gradient(dtype):
    """The size below which a gradient walking back in time adds nothing to a normal number.

    Once every entry of the gradient reaching a state is below tiny / eps of `dtype`, what the steps
    further back would add to the parameters' gradients is lost to rounding, and computing with such
    numbers is slow: below tiny they are subnormal, many times slower (float32's full BPTT was 4x
    slower than float64 before the engines stopped there).
    """
    info = np.finfo(dtype)
    return info.tiny / info.eps
