import { PROBLEMS } from '@images/core'; import { fetchAllPages } from '@images/http'; console.log(Object.keys(PROBLEMS).length, typeof fetchAllPages);
