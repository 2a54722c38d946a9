package com.community.analytics.jobs.churn;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.DecisionTreeRegressionModel;
import org.apache.spark.ml.tree.CategoricalSplit;
import org.apache.spark.ml.tree.ContinuousSplit;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.ml.tree.Split;

/**
 * Exact SHAP values of an MLlib gradient-boosted tree ensemble: the path-dependent TreeSHAP
 * algorithm (Lundberg et al. 2020, "From local explanations to global understanding with
 * explainable AI for trees", Nature Machine Intelligence 2, Algorithm 2), following the
 * reference implementation of the {@code shap} package ({@code tree_shap.h}). A feature's
 * "absent" value is the path-dependent conditional expectation: at a split on an absent
 * feature both children are followed, weighted by the training weight (cover) that reached
 * each, read from each node's impurity statistics (the weighted instance count).
 *
 * <p>Values are on the log-odds scale: MLlib's GBT minimizes log(1 + exp(-2 y F)), so its
 * probability is sigmoid(2 F) for the margin F = sum of tree weight x tree prediction, and the
 * log-odds are 2 F. Then {@code expectedValue() + sum(shap(x)) = logOdds(x)} (additivity).
 *
 * <p>The trees are copied into flat arrays (serializable, a few KB), so an explainer is
 * broadcast once and run on the executors. Cost per member: O(trees x leaves x depth^2).
 */
public final class TreeShap implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One tree as parallel arrays indexed by node; a leaf has {@code left[n] < 0}. */
  record Tree(int[] feature, double[] threshold, double[][] leftCategories, int[] left,
      int[] right, double[] cover, double[] value, int depth) implements Serializable {

    /** Whether {@code x} goes to the left child of internal node {@code n}. */
    boolean goesLeft(int n, Vector x) {
      double v = x.apply(feature[n]);
      if (leftCategories[n] == null) {
        return v <= threshold[n];
      }
      return Arrays.binarySearch(leftCategories[n], v) >= 0;
    }
  }

  private final List<Tree> trees;
  private final int features;
  private final double expectedValue;

  TreeShap(List<Tree> trees, int features) {
    this.trees = trees;
    this.features = features;
    double expected = 0;
    for (Tree t : trees) {
      expected += expectedLeafValue(t, 0);
    }
    this.expectedValue = expected;
  }

  /** The explainer of {@code model}, each tree's values scaled to the log-odds. */
  public static TreeShap of(GBTClassificationModel model) {
    List<Tree> trees = new ArrayList<>();
    DecisionTreeRegressionModel[] members = model.trees();
    double[] weights = model.treeWeights();
    for (int i = 0; i < members.length; i++) {
      trees.add(flatten(members[i].rootNode(), 2 * weights[i]));
    }
    return new TreeShap(trees, model.numFeatures());
  }

  /** The mean log-odds over the training data, as the trees' covers weigh it. */
  public double expectedValue() {
    return expectedValue;
  }

  /** The model's log-odds for {@code x} (2 x MLlib's margin). */
  public double logOdds(Vector x) {
    double sum = 0;
    for (Tree t : trees) {
      int n = 0;
      while (t.left[n] >= 0) {
        n = t.goesLeft(n, x) ? t.left[n] : t.right[n];
      }
      sum += t.value[n];
    }
    return sum;
  }

  /** The SHAP value of every feature of {@code x}, on the log-odds scale. */
  public double[] shap(Vector x) {
    double[] phi = new double[features];
    for (Tree t : trees) {
      PathElement[] root = new PathElement[] {};
      recurse(t, x, phi, 0, root, 1, 1, -1);
    }
    return phi;
  }

  /** One feature on the current path: its fractions and the path's permutation weight. */
  private static final class PathElement {
    int feature;
    double zeroFraction;
    double oneFraction;
    double weight;

    PathElement copy() {
      PathElement e = new PathElement();
      e.feature = feature;
      e.zeroFraction = zeroFraction;
      e.oneFraction = oneFraction;
      e.weight = weight;
      return e;
    }
  }

  private static void recurse(Tree t, Vector x, double[] phi, int node, PathElement[] parent,
      double zeroFraction, double oneFraction, int feature) {
    PathElement[] path = extend(parent, zeroFraction, oneFraction, feature);
    int depth = path.length - 1;
    if (t.left[node] < 0) {
      for (int i = 1; i <= depth; i++) {
        PathElement e = path[i];
        phi[e.feature] += unwoundSum(path, i) * (e.oneFraction - e.zeroFraction)
            * t.value[node];
      }
      return;
    }
    boolean left = t.goesLeft(node, x);
    int hot = left ? t.left[node] : t.right[node];
    int cold = left ? t.right[node] : t.left[node];
    double cover = t.cover[node];
    double hotShare = cover > 0 ? t.cover[hot] / cover : 0.5;
    double coldShare = cover > 0 ? t.cover[cold] / cover : 0.5;
    double incomingZero = 1;
    double incomingOne = 1;
    int split = t.feature[node];
    for (int k = 1; k <= depth; k++) {
      if (path[k].feature == split) {
        // The feature was split on above: undo that split, so its fractions combine with this
        // one's instead of counting the feature twice.
        incomingZero = path[k].zeroFraction;
        incomingOne = path[k].oneFraction;
        path = unwind(path, k);
        break;
      }
    }
    recurse(t, x, phi, hot, path, hotShare * incomingZero, incomingOne, split);
    recurse(t, x, phi, cold, path, coldShare * incomingZero, 0, split);
  }

  /** The path with one more feature, its permutation weights updated (EXTEND). */
  private static PathElement[] extend(PathElement[] parent, double zeroFraction,
      double oneFraction, int feature) {
    int depth = parent.length;
    PathElement[] path = new PathElement[depth + 1];
    for (int i = 0; i < depth; i++) {
      path[i] = parent[i].copy();
    }
    PathElement e = new PathElement();
    e.feature = feature;
    e.zeroFraction = zeroFraction;
    e.oneFraction = oneFraction;
    e.weight = depth == 0 ? 1 : 0;
    path[depth] = e;
    for (int i = depth - 1; i >= 0; i--) {
      path[i + 1].weight += oneFraction * path[i].weight * (i + 1) / (double) (depth + 1);
      path[i].weight = zeroFraction * path[i].weight * (depth - i) / (double) (depth + 1);
    }
    return path;
  }

  /** The path without element {@code index}, its permutation weights restored (UNWIND). */
  private static PathElement[] unwind(PathElement[] path, int index) {
    int depth = path.length - 1;
    double one = path[index].oneFraction;
    double zero = path[index].zeroFraction;
    double next = path[depth].weight;
    PathElement[] out = new PathElement[depth];
    for (int i = 0; i < depth; i++) {
      out[i] = path[i].copy();
    }
    for (int i = depth - 1; i >= 0; i--) {
      if (one != 0) {
        double tmp = out[i].weight;
        out[i].weight = next * (depth + 1) / ((i + 1) * one);
        next = tmp - out[i].weight * zero * (depth - i) / (double) (depth + 1);
      } else {
        out[i].weight = out[i].weight * (depth + 1) / (zero * (depth - i));
      }
    }
    for (int i = index; i < depth; i++) {
      out[i].feature = path[i + 1].feature;
      out[i].zeroFraction = path[i + 1].zeroFraction;
      out[i].oneFraction = path[i + 1].oneFraction;
    }
    return out;
  }

  /** The total permutation weight of the path without element {@code index}. */
  private static double unwoundSum(PathElement[] path, int index) {
    int depth = path.length - 1;
    double one = path[index].oneFraction;
    double zero = path[index].zeroFraction;
    double next = path[depth].weight;
    double total = 0;
    for (int i = depth - 1; i >= 0; i--) {
      if (one != 0) {
        double tmp = next / ((i + 1) * one);
        total += tmp;
        next = path[i].weight - tmp * zero * (depth - i);
      } else {
        total += path[i].weight / (zero * (depth - i));
      }
    }
    return total * (depth + 1);
  }

  /** Sum of the leaf values under {@code node}, each weighted by the share of cover reaching it. */
  private static double expectedLeafValue(Tree t, int node) {
    if (t.left[node] < 0) {
      return t.value[node];
    }
    double cover = t.cover[node];
    int l = t.left[node];
    int r = t.right[node];
    double leftShare = cover > 0 ? t.cover[l] / cover : 0.5;
    double rightShare = cover > 0 ? t.cover[r] / cover : 0.5;
    return leftShare * expectedLeafValue(t, l) + rightShare * expectedLeafValue(t, r);
  }

  /** An MLlib tree as flat arrays, its leaf values multiplied by {@code scale}. */
  static Tree flatten(Node root, double scale) {
    List<Node> nodes = new ArrayList<>();
    collect(root, nodes);
    int n = nodes.size();
    int[] feature = new int[n];
    double[] threshold = new double[n];
    double[][] categories = new double[n][];
    int[] left = new int[n];
    int[] right = new int[n];
    double[] cover = new double[n];
    double[] value = new double[n];
    int[] depthOf = new int[n];
    int depth = 0;
    for (int i = 0; i < n; i++) {
      Node node = nodes.get(i);
      cover[i] = node.impurityStats().count();
      value[i] = node.prediction() * scale;
      left[i] = -1;
      right[i] = -1;
      if (node instanceof InternalNode in) {
        Split s = in.split();
        feature[i] = s.featureIndex();
        if (s instanceof ContinuousSplit c) {
          threshold[i] = c.threshold();
        } else {
          double[] cats = ((CategoricalSplit) s).leftCategories().clone();
          Arrays.sort(cats);
          categories[i] = cats;
        }
        left[i] = indexOf(nodes, in.leftChild());
        right[i] = indexOf(nodes, in.rightChild());
        depthOf[left[i]] = depthOf[i] + 1;
        depthOf[right[i]] = depthOf[i] + 1;
        depth = Math.max(depth, depthOf[i] + 1);
      }
    }
    return new Tree(feature, threshold, categories, left, right, cover, value, depth);
  }

  private static void collect(Node node, List<Node> out) {
    out.add(node);
    if (node instanceof InternalNode in) {
      collect(in.leftChild(), out);
      collect(in.rightChild(), out);
    }
  }

  private static int indexOf(List<Node> nodes, Node node) {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i) == node) {
        return i;
      }
    }
    throw new IllegalStateException("child node not in its tree");
  }

  /** The trees, for tests and for the cost figure (trees x leaves x depth^2). */
  List<Tree> trees() {
    return trees;
  }

  /** The algorithm's work per member: the sum over trees of leaves x depth^2. */
  public long pathCost() {
    long cost = 0;
    for (Tree t : trees) {
      long leaves = Arrays.stream(t.left()).filter(l -> l < 0).count();
      cost += leaves * (long) t.depth() * t.depth();
    }
    return cost;
  }

  /** Number of features the model takes. */
  public int numFeatures() {
    return features;
  }
}
