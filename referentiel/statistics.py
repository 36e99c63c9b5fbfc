"""Confidence intervals for group values, without scipy.

* ``wilson_interval(successes, n)`` — for a proportion; stays inside [0, 1] and behaves at
  0 % and 100 %, where the textbook (Wald) interval collapses to a point.
* ``mean_interval(values)`` — Student t interval for a mean (scores, counts, paired changes).
* ``student_t_quantile(p, degrees_of_freedom)`` and ``normal_quantile(p)``, inverting
  distribution functions built from ``math.erf`` and the regularized incomplete beta function
  (continued fraction, as in Numerical Recipes §6.4). The normal quantile is found by bisection
  (it is needed for one probability). The t quantile starts from the Cornish–Fisher expansion
  around the normal quantile and takes Newton steps on the distribution function (its density
  is known in closed form), kept inside a bracket that falls back to bisection: about two
  evaluations of the incomplete beta instead of forty-five, and an export needs a few hundred
  distinct degrees of freedom. Both converge to the same root of the same function, within a
  few 1e-12 (tested to 1e-9 against the bisection across 1…100,000 degrees of freedom), far
  below what a published value shows. Both are memoised.
* ``student_interval(mean, variance, n)`` — the interval from a mean and a sample variance,
  for callers that have additive summaries rather than the values (``referentiel.aggregation``).
"""

import functools
import math
from collections.abc import Callable, Sequence

DEFAULT_CONFIDENCE = 0.95
_BISECTION_STEPS = 200
_NEWTON_STEPS = 100
_NEWTON_TOLERANCE = 1e-13
_Function = Callable[[float], float]


def normal_cdf(x: float) -> float:
    """Return P(Z ≤ x) for a standard normal Z."""
    return 0.5 * math.erfc(-x / math.sqrt(2))


@functools.lru_cache(maxsize=256)
def normal_quantile(p: float) -> float:
    """Return x such that P(Z ≤ x) = p."""
    _check_probability(p)
    return _invert(normal_cdf, p)


def regularized_incomplete_beta(x: float, a: float, b: float) -> float:
    """Return I_x(a, b), the distribution function of a Beta(a, b) variable at x."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    # The continued fraction converges fast only on this side; use the symmetry otherwise.
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _beta_continued_fraction(x, a, b) / a
    return 1 - math.exp(log_front) * _beta_continued_fraction(1 - x, b, a) / b


def _beta_continued_fraction(x: float, a: float, b: float) -> float:
    """Evaluate the continued fraction of I_x(a, b) by the modified Lentz method."""
    tiny = 1e-300
    c = 1.0
    d = 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 1000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1) < 1e-15:
            break
    return result


def student_t_cdf(t: float, degrees_of_freedom: float) -> float:
    """Return P(T ≤ t) for Student's t with the given degrees of freedom."""
    if degrees_of_freedom <= 0:
        raise ValueError("degrees of freedom must be positive")
    # Beyond t² = ν the tail form is accurate; closer to 0 the central form avoids computing
    # 1 − x where x is nearly 1 (which would lose half the digits around the median).
    square = t * t
    if square > degrees_of_freedom:
        x = degrees_of_freedom / (degrees_of_freedom + square)
        tail = 0.5 * regularized_incomplete_beta(x, degrees_of_freedom / 2, 0.5)
    else:
        y = square / (degrees_of_freedom + square)
        tail = 0.5 - 0.5 * regularized_incomplete_beta(y, 0.5, degrees_of_freedom / 2)
    return 1 - tail if t > 0 else tail


@functools.lru_cache(maxsize=16_384)
def student_t_quantile(p: float, degrees_of_freedom: float) -> float:
    """Return t such that P(T ≤ t) = p."""
    _check_probability(p)
    if degrees_of_freedom <= 0:
        raise ValueError("degrees of freedom must be positive")
    return _newton_t_quantile(p, degrees_of_freedom)


def _newton_t_quantile(p: float, degrees_of_freedom: float) -> float:
    """Solve P(T ≤ t) = p by Newton steps safeguarded by a bracket (bisection when a step leaves it).

    Newton converges quadratically from the Cornish–Fisher start, so the last step is far below
    the stopping tolerance; the bracket only matters for few degrees of freedom, where the
    expansion is a poor start and the distribution's heavy tails can throw a step too far.
    """
    half = degrees_of_freedom / 2
    log_density_constant = (
        math.lgamma(half + 0.5) - math.lgamma(half) - 0.5 * math.log(degrees_of_freedom * math.pi)
    )
    low, high = -math.inf, math.inf
    t = _cornish_fisher_start(p, degrees_of_freedom)
    for _ in range(_NEWTON_STEPS):
        difference = student_t_cdf(t, degrees_of_freedom) - p
        if difference == 0:
            return t
        if difference < 0:
            low = t
        else:
            high = t
        density = math.exp(log_density_constant - (half + 0.5) * math.log1p(t * t / degrees_of_freedom))
        following = t - difference / density if density > 0 else math.nan
        if not low < following < high:  # out of the bracket (or no slope): bisect, or widen it
            if math.isinf(low):
                following = min(-1.0, 2 * high)
            elif math.isinf(high):
                following = max(1.0, 2 * low)
            else:
                following = (low + high) / 2
        if abs(following - t) <= _NEWTON_TOLERANCE * max(1.0, abs(t)):
            return following
        t = following
    return _invert(lambda value: student_t_cdf(value, degrees_of_freedom), p)


def _cornish_fisher_start(p: float, degrees_of_freedom: float) -> float:
    """Approximate the t quantile from the normal one (Abramowitz & Stegun 26.7.5), up to 1/ν⁴."""
    z = normal_quantile(p)
    square = z * z
    terms = (
        z * (square + 1) / 4,
        z * ((5 * square + 16) * square + 3) / 96,
        z * (((3 * square + 19) * square + 17) * square - 15) / 384,
        z * ((((79 * square + 776) * square + 1482) * square - 1920) * square - 945) / 92160,
    )
    return z + sum(term / degrees_of_freedom**power for power, term in enumerate(terms, start=1))


def _invert(cdf: _Function, p: float) -> float:
    low, high = -1.0, 1.0
    while cdf(low) > p:
        low *= 2
    while cdf(high) < p:
        high *= 2
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2
        if cdf(middle) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-12 * max(1.0, abs(middle)):
            break
    return (low + high) / 2


def _check_probability(p: float) -> None:
    if not 0 < p < 1:
        raise ValueError(f"a probability strictly between 0 and 1 is needed, not {p}")


def wilson_interval(successes: int, n: int, confidence: float = DEFAULT_CONFIDENCE) -> tuple[float, float]:
    """Return the Wilson score interval of a proportion, as fractions in [0, 1]."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 ≤ successes ≤ n and n > 0, not {successes} of {n}")
    z = normal_quantile(1 - (1 - confidence) / 2)
    proportion = successes / n
    denominator = 1 + z * z / n
    centre = (proportion + z * z / (2 * n)) / denominator
    half_width = z * math.sqrt(proportion * (1 - proportion) / n + z * z / (4 * n * n))
    half_width /= denominator
    # Exactly 0 and 1 at the extremes, where rounding could leave 1e-18 instead.
    low = 0.0 if successes == 0 else max(0.0, centre - half_width)
    high = 1.0 if successes == n else min(1.0, centre + half_width)
    return low, high


def mean_interval(
    values: Sequence[float], confidence: float = DEFAULT_CONFIDENCE
) -> tuple[float, float, float]:
    """Return (mean, low, high): the Student t interval of a mean; needs at least 2 values."""
    n = len(values)
    if n < 2:
        raise ValueError("a confidence interval of a mean needs at least 2 values")
    mean = math.fsum(values) / n
    variance = math.fsum((value - mean) ** 2 for value in values) / (n - 1)
    return student_interval(mean, variance, n, confidence)


def student_interval(
    mean: float, variance: float, n: int, confidence: float = DEFAULT_CONFIDENCE
) -> tuple[float, float, float]:
    """Return (mean, low, high) from a mean and a sample variance (divided by n − 1) of n values."""
    if n < 2:
        raise ValueError("a confidence interval of a mean needs at least 2 values")
    half_width = student_t_quantile(1 - (1 - confidence) / 2, n - 1) * math.sqrt(variance / n)
    return mean, mean - half_width, mean + half_width
