export { createJobsDashboard, type JobsDashboardOptions } from './create-jobs-dashboard.js';
