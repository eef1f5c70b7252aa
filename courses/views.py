from django.shortcuts import render

from accounts import permissions
from courses import selectors


@permissions.require(permissions.can_take_training)
def my_training(request):
    enrollment = selectors.enrollment_current(hire=request.user)
    return render(request, "courses/my_training.html", {"enrollment": enrollment})


@permissions.require(permissions.can_manage_cohorts)
def cohort_list(request):
    cohorts = selectors.cohort_list(user=request.user)
    return render(request, "courses/cohort_list.html", {"cohorts": cohorts})
