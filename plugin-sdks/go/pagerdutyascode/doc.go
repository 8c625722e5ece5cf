// Declare, prove and keep honest how MongoDB Atlas project alerts reach PagerDuty.
package pagerdutyascode
