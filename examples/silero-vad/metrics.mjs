// Frame labelling and the detection metrics evaluate.mjs reports.

/**
 * Labels each whole frame of `frameSize` samples: speech when more than half of its samples lie
 * inside a segment ([startSample, endSample), end exclusive). A trailing partial frame is dropped.
 */
export function frameLabels(segments, sampleCount, frameSize) {
  const frameCount = Math.floor(sampleCount / frameSize);
  const labels = new Array(frameCount);
  for (let frame = 0; frame < frameCount; frame++) {
    const frameStart = frame * frameSize;
    const frameEnd = frameStart + frameSize;
    let inside = 0;
    for (const { startSample, endSample } of segments) {
      inside += Math.max(0, Math.min(frameEnd, endSample) - Math.max(frameStart, startSample));
    }
    labels[frame] = inside * 2 > frameSize;
  }
  return labels;
}

/**
 * Area under the ROC curve by ranks (the Mann–Whitney U statistic divided by the number of
 * positive–negative pairs); tied scores share their mean rank, so a tie counts as half.
 * Throws when either class is empty, since the area is then undefined.
 */
export function rocAuc(scores, labels) {
  if (scores.length !== labels.length) {
    throw new Error(`rocAuc: ${scores.length} scores but ${labels.length} labels`);
  }
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positiveRankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const meanRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]]) {
        positiveRankSum += meanRank;
        positives++;
      }
    }
    i = j + 1;
  }
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) {
    throw new Error(`rocAuc: needs both classes, got ${positives} positive, ${negatives} negative`);
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Precision, recall and F1 of "speech when score >= threshold"; 0 where a ratio is 0/0. */
export function detectionScores(scores, labels, threshold) {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  scores.forEach((score, i) => {
    const predicted = score >= threshold;
    if (predicted && labels[i]) truePositives++;
    else if (predicted) falsePositives++;
    else if (labels[i]) falseNegatives++;
  });
  const precision = ratio(truePositives, truePositives + falsePositives);
  const recall = ratio(truePositives, truePositives + falseNegatives);
  const f1 = ratio(2 * precision * recall, precision + recall);
  return { precision, recall, f1 };
}

function ratio(numerator, denominator) {
  return denominator === 0 ? 0 : numerator / denominator;
}
