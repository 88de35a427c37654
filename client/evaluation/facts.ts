/** The facts of one traject that the evaluation needs: defined beside the machine, which the workflow records with. */
export * from '../../machines/evaluation/facts';
