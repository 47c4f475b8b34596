// The screenshots the README opens with: written by the end-to-end test to artifacts/e2e/, copied to docs/images/ by
// `npm run docs:images`, committed.
export const README_IMAGES = ['1-request-card.png', '2-approval-as-manager.png', '3-progress-mid-run.png', '4-summary-in-channel.png'];
